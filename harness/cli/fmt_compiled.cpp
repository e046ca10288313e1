// fmt's compiled part, built into the goleakcheck command itself rather
// than loaded from libfmt.so: Debian ships no static libfmt, and a shared
// one would bring the shared libstdc++ with it, the largest part of the
// command's start-up (README, "Dependencies"). Only the command links this
// file; the libraries keep using fmt::fmt, as their consumers do.
//
// format-inl.h holds the definitions of fmt's non-template functions (what
// libfmt.so is built from); the templates that format.h declares extern
// are instantiated here for the one character type this project formats.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template locale_ref::locale_ref(const std::locale& loc);
template auto locale_ref::get<std::locale>() const -> std::locale;
template auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;
template void buffer<char>::append(const char*, const char*);
template void vformat_to(buffer<char>&, string_view, basic_format_args<FMT_BUFFER_CONTEXT(char)>, locale_ref);

}  // namespace detail
FMT_END_NAMESPACE
