// The email notifier: one plain-text RFC 5322 message per group, sent over SMTP (or SMTPS / STARTTLS when the
// server offers it) by libcurl. Header values are stripped of line breaks so no incident text can add headers.
#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>

#include "incidents/incident_json.hpp"
#include "incidents/notify/http_send.hpp"
#include "incidents/notify/notifiers.hpp"

namespace vigil::incidents::notify {
namespace {

std::string one_line(std::string_view s, size_t max = 200) {
  std::string out;
  for (char c : s.substr(0, max)) out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  return out;
}

// RFC 2047 encoded-word for a non-ASCII Subject.
std::string header_text(std::string_view s) {
  const bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(s);
  std::string b64(4 * ((s.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  b64.resize(static_cast<size_t>(n));
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string rfc5322_date(int64_t now_ns) {
  const time_t t = static_cast<time_t>(now_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02d} {} {} {:02d}:{:02d}:{:02d} +0000", kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string message_id(const Notification& first) {
  std::string id;
  for (char c : first.item.idempotency_key) id += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return "<" + id + "@vigil.incidents>";
}

void append_incident(std::string& body, const Notification& n) {
  const Incident& i = n.incident;
  body += fmt::format("{} [{}] incident #{} ({}): {}\r\n", change_kind_name(n.item.kind), severity_name(i.severity),
                      i.id, status_name(i.status), one_line(i.title, 1000));
  body += fmt::format("  source: {}\r\n  rule: {}\r\n  subject: {}\r\n  events: {}\r\n", one_line(i.source),
                      one_line(i.rule), one_line(i.subject), i.count);
  body +=
      fmt::format("  first seen: {}\r\n  last seen: {}\r\n", rfc3339_ms(i.first_seen_ns), rfc3339_ms(i.last_seen_ns));
  const std::string link = incident_link(n);
  if (!link.empty()) body += "  " + link + "\r\n";
  body += "\r\n";
}

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, up->data.size() - up->offset);
  std::copy_n(up->data.data() + up->offset, n, buffer);
  up->offset += n;
  return n;
}

}  // namespace

std::string email_message(const NotifierConfig& config, std::span<const Notification> group, int64_t now_ns) {
  const Notification& first = group.front();
  std::string subject = fmt::format("[vigil] {} {}: {}", change_kind_name(first.item.kind),
                                    severity_name(first.incident.severity), one_line(first.incident.title));
  if (group.size() > 1) subject += fmt::format(" (+{} more)", group.size() - 1);
  std::string to;
  for (const std::string& r : config.to) to += (to.empty() ? "" : ", ") + one_line(r);
  std::string message = fmt::format(
      "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: {}\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
      one_line(config.from), to, header_text(subject), rfc5322_date(now_ns), message_id(first));
  for (const Notification& n : group) append_incident(message, n);
  return message;
}

std::vector<std::string> validate_email(const NotifierConfig& config) {
  std::vector<std::string> problems;
  const std::string_view url = config.smtp_url;
  if (url.empty()) {
    problems.emplace_back("email needs smtp_url (smtp://host:port or smtps://host:port)");
  } else if (url.substr(0, 7) != "smtp://" && url.substr(0, 8) != "smtps://") {
    problems.emplace_back("smtp_url must start with smtp:// or smtps://");
  }
  if (config.from.find('@') == std::string::npos || config.from.find_first_of("\r\n<>") != std::string::npos) {
    problems.emplace_back("email needs a from address");
  }
  if (config.to.empty()) problems.emplace_back("email needs at least one to address");
  for (const std::string& r : config.to) {
    if (r.find('@') == std::string::npos || r.find_first_of("\r\n<>") != std::string::npos) {
      problems.push_back(fmt::format("to: \"{}\" is not an email address", one_line(r)));
    }
  }
  return problems;
}

Result<void> deliver_email(const NotifierConfig& config, std::span<const Notification> group) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string message = email_message(config, group, now_ns);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return fail("cannot start an SMTP session");
  curl_slist* raw = nullptr;
  for (const std::string& r : config.to) raw = curl_slist_append(raw, ("<" + r + ">").c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(raw, curl_slist_free_all);
  const std::string from = "<" + config.from + ">";
  Upload upload{message};
  curl_easy_setopt(h.get(), CURLOPT_URL, config.smtp_url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(h.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h.get(), CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h.get(), CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(h.get(), CURLOPT_READDATA, &upload);
  curl_easy_setopt(h.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  const char* password = config.password_env.empty() ? nullptr : std::getenv(config.password_env.c_str());
  if (!config.username.empty()) curl_easy_setopt(h.get(), CURLOPT_USERNAME, config.username.c_str());
  if (password != nullptr) curl_easy_setopt(h.get(), CURLOPT_PASSWORD, password);
  const CURLcode rc = curl_easy_perform(h.get());
  if (rc != CURLE_OK) return fail(fmt::format("email via {}: {}", url_origin(config.smtp_url), curl_easy_strerror(rc)));
  return {};
}

}  // namespace vigil::incidents::notify
