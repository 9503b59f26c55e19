// Small HTML building blocks shared by the dashboard's pages: escaping, the page frame with its inline CSS,
// badges, times and URLs that keep the list's filters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incidents/dashboard/pages.hpp"
#include "incidents/model.hpp"

namespace vigil::incidents::dashboard {

// Appends text with & < > " ' replaced by entities, so it is safe in element content and quoted attributes.
void append_escaped(std::string& out, std::string_view text);

// A whole document: doctype, head with title and CSS, the top bar (with a logout button when signed_in), body.
std::string page_frame(std::string_view title, std::string_view body_html, bool signed_in);

// <span class="badge sev-high">high</span> and the like.
void append_severity_badge(std::string& out, Severity severity);
void append_status_badge(std::string& out, Status status);
// <time datetime="RFC 3339">RFC 3339</time>, or an en dash for 0.
void append_time(std::string& out, int64_t unix_ns);

// Percent-encodes a query component (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view text);
// "/?status=open&severity=high&source=x&limit=20&before=42" with only the set parts; before_id 0 is left out.
std::string list_url(const ListQuery& query, int64_t before_id);

}  // namespace vigil::incidents::dashboard

namespace vigil::incidents::dashboard {

// application/x-www-form-urlencoded (a POSTed form): '+' is a space, %XX a byte; malformed escapes are kept as
// they are.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if present.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace vigil::incidents::dashboard
