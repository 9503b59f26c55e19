// The dashboard's HTML building blocks. The CSS is inline (the Content-Security-Policy allows inline styles and
// nothing else), and nothing here loads anything from elsewhere.
#include "incidents/dashboard/html.hpp"

#include <fmt/format.h>

#include <ctime>

namespace vigil::incidents::dashboard {

namespace {

constexpr std::string_view kCss = R"css(
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px}
body{margin:0;background:#f6f7f9;color:#1d2330}
header.top{display:flex;align-items:center;gap:16px;padding:10px 20px;background:#1d2330;color:#fff}
header.top a{color:#fff;text-decoration:none;font-weight:600}
header.top form{margin-left:auto}
main{padding:16px 20px;max-width:1400px}
h1{font-size:20px;margin:4px 0 12px}
h2{font-size:16px;margin:20px 0 8px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d8dce3}
th,td{padding:6px 8px;border-bottom:1px solid #e6e9ee;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.title{max-width:420px;overflow-wrap:anywhere}
td.subject,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
time{white-space:nowrap;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.sev-low{background:#5b7083}.sev-medium{background:#c28a00}.sev-high{background:#d9480f}.sev-critical{background:#b00020}
.st-open{background:#c92a2a}.st-acknowledged{background:#7048e8}.st-resolved{background:#2b8a3e}
form.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:end;margin-bottom:12px}
form.filters label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:#4a5263}
select,input,button,textarea{font:inherit}
button{cursor:pointer}
.summary{margin:0 0 12px;color:#4a5263}
.empty{padding:12px;background:#fff;border:1px solid #d8dce3;color:#4a5263}
nav.paging{margin-top:12px}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;padding:12px;
  border:1px solid #d8dce3;margin:0}
dl.fields dt{font-weight:600;color:#4a5263}
dl.fields dd{margin:0;overflow-wrap:anywhere}
ol.timeline{list-style:none;padding:0;margin:0;background:#fff;border:1px solid #d8dce3}
ol.timeline li{padding:6px 10px;border-bottom:1px solid #e6e9ee;overflow-wrap:anywhere}
ol.timeline li.change{background:#f3f0ff}
ol.timeline .kind{font-weight:600;margin:0 6px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0 0;font-size:12px}
.error{color:#b00020;font-weight:600}
td.state.failed{color:#b00020}td.state.delivered{color:#2b8a3e}td.state.pending{color:#c28a00}
.sent{color:#4a5263;font-size:12px}
section.actions form{display:inline-block;margin-right:8px}
)css";

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;  // U+FFFD: a NUL in a document is a parse error
      default: out += c;
    }
  }
}

std::string page_frame(std::string_view title, std::string_view body_html, bool signed_in) {
  std::string out;
  out.reserve(body_html.size() + kCss.size() + 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>";
  append_escaped(out, title);
  out += " · Vigil incidents</title><style>";
  out += kCss;
  out += "</style></head><body><header class=\"top\"><a href=\"/\">Vigil incidents</a>";
  if (signed_in) {
    out += "<form method=\"post\" action=\"/logout\"><button type=\"submit\" id=\"logout\">Log out</button></form>";
  }
  out += "</header><main>";
  out += body_html;
  out += "</main></body></html>\n";
  return out;
}

void append_severity_badge(std::string& out, Severity severity) {
  const std::string_view name = severity_name(severity);
  out += fmt::format("<span class=\"badge sev-{0}\" data-severity=\"{0}\">{0}</span>", name);
}

void append_status_badge(std::string& out, Status status) {
  const std::string_view name = status_name(status);
  out += fmt::format("<span class=\"badge st-{0}\" data-status=\"{0}\">{0}</span>", name);
}

void append_time(std::string& out, int64_t unix_ns) {
  if (unix_ns == 0) {
    out += "–";
    return;
  }
  const std::string text = rfc3339_utc(unix_ns);
  out += fmt::format("<time datetime=\"{0}\">{0}</time>", text);
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (unreserved(c)) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string list_url(const ListQuery& query, int64_t before_id) {
  std::string params;
  auto add = [&params](std::string_view key, std::string_view value) {
    params += params.empty() ? '?' : '&';
    params += key;
    params += '=';
    params += url_encode(value);
  };
  if (query.status) add("status", status_name(*query.status));
  if (query.severity) add("severity", severity_name(*query.severity));
  if (!query.source.empty()) add("source", query.source);
  if (query.limit != ListQuery{}.limit) add("limit", std::to_string(query.limit));
  if (before_id > 0) add("before", std::to_string(before_id));
  return "/" + params;
}

}  // namespace vigil::incidents::dashboard

namespace vigil::incidents {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  dashboard::append_escaped(out, text);
  return out;
}

std::string rfc3339_utc(int64_t unix_ns) {
  if (unix_ns == 0) return "";
  int64_t seconds = unix_ns / 1'000'000'000;
  int64_t nanos = unix_ns % 1'000'000'000;
  if (nanos < 0) {  // floor division for times before 1970
    nanos += 1'000'000'000;
    seconds -= 1;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "";
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, nanos / 1'000'000);
}

}  // namespace vigil::incidents

namespace vigil::incidents::dashboard {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      fields.emplace_back(form_decode(part), "");
    } else {
      fields.emplace_back(form_decode(part.substr(0, eq)), form_decode(part.substr(eq + 1)));
    }
  }
  return fields;
}

std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const size_t semi = cookie_header.find(';');
    const std::string_view pair = trim(cookie_header.substr(0, semi));
    cookie_header = semi == std::string_view::npos ? std::string_view{} : cookie_header.substr(semi + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) return trim(pair.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace vigil::incidents::dashboard
