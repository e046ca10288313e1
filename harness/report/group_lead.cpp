#include "report/group_lead.hpp"

#include <string>

namespace goleakcheck::detail {

GroupLead lead_of(const LeakGroup& group, const UserCode& user, SourceLines* sources) {
  GroupLead lead;
  lead.origin = user_origin(group.example, user);
  const Frame* site = group.example.blocking_site();
  lead.site_is_users = site != nullptr && user.owns(*site);
  const Frame* mine = lead.origin.frame;
  lead.says_origin = mine != nullptr && (lead.origin.started_it || !lead.site_is_users || !(*mine == *site));
  lead.quoted = mine != nullptr ? mine : (lead.site_is_users ? site : nullptr);
  const std::string_view blocking_line =
      sources != nullptr && site != nullptr ? sources->text(std::string(site->file), site->line) : std::string_view();
  lead.hint = leak_hint(group.example, lead.origin, blocking_line);
  return lead;
}

}  // namespace goleakcheck::detail
