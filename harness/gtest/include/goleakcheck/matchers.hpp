// GoogleTest matchers over goroutine records: part of goleakcheck::gtest,
// adapters for gmock users; the checker itself uses the plain predicates
// of ignore.hpp.
//
// Each takes a string (an exact match) or any gmock string matcher
// (HasSubstr, StartsWith, EndsWith, MatchesRegex, ContainsRegex, ...), and
// composes with ::testing::AllOf, AnyOf and Not:
//
//   using namespace goleakcheck::matchers;
//   using ::testing::AllOf; using ::testing::StartsWith;
//   Ignoring(AllOf(TopFunction(StartsWith("mypkg.(*Pool)")), State("chan receive")));
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <gmock/gmock.h>

#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/ignore.hpp"

namespace goleakcheck {

using GoroutineMatcher = ::testing::Matcher<const Goroutine&>;
// Over string_view: records are views into the dump, and matching them
// during every settle poll must not copy each frame's name.
using StringMatcher = ::testing::Matcher<std::string_view>;

namespace matchers {

// The innermost frame's function (goleak's IgnoreTopFunction).
GoroutineMatcher TopFunction(StringMatcher function);
// Any frame's function, or the creator's (goleak's IgnoreAnyFunction).
GoroutineMatcher AnyFunction(StringMatcher function);
// The function in "created by" (goleak's IgnoreCreatedBy).
GoroutineMatcher CreatedBy(StringMatcher function);
// The blocking site's function: the innermost frame outside the runtime,
// sync and internal packages (Goroutine::blocking_site).
GoroutineMatcher BlockingSite(StringMatcher function);
// The wait reason or status: "chan receive", "IO wait", "running".
GoroutineMatcher State(StringMatcher state);
// Any frame's file, or the creator's.
GoroutineMatcher File(StringMatcher file);
// A pprof label: the goroutine has label `key` and its value matches
// (label values are decoded: no quotes or escapes).
GoroutineMatcher HasLabel(std::string key, StringMatcher value);
// Blocked for at least this many minutes (the runtime counts from 1 minute).
GoroutineMatcher BlockedAtLeast(int minutes);
// One of these goroutine ids (gleak's IgnoringGoroutines).
GoroutineMatcher GoroutineIds(std::set<std::uint64_t> ids);

// A function given the goleak/gleak way: "pkg.f" exactly, "pkg.f..." as a
// prefix, "regex:RE" as an RE2 regex found anywhere (TextPattern). The
// runtime's %XX escapes are decoded first ("nats%2ego" is "nats.go", as
// records hold it), so both forms match. Throws Error(ErrorKind::bad_rule)
// for an invalid regex.
StringMatcher FunctionSpec(std::string_view spec);
// The same three forms for text that is not a function name (states, files,
// label values), taken as written.
StringMatcher TextSpec(std::string_view spec);

// gleak's IgnoringTopFunction shorthand: "pkg.f", "pkg.f..." or
// "pkg.f [chan receive]" (the top function and the exact state).
GoroutineMatcher TopFunctionSpec(std::string_view spec);

}  // namespace matchers

// A rule made of a gmock matcher, named by the matcher's description, for
// CheckOptions::ignores.
Ignore Ignoring(GoroutineMatcher matcher);

}  // namespace goleakcheck
