// Secret rules: chat group (see groups.hpp): Slack, Discord, Microsoft Teams, Telegram, Mattermost, Google Chat,
// Webex. Every row has a positive and a negative test in tests/unit/secrets/rules_a_test.cpp. Bot and user
// tokens are HIGH (they read workspace messages); incoming webhooks only post messages, so they are MEDIUM.
#include <string>

#include "scan/secrets/groups.hpp"
#include "scan/secrets/validate.hpp"

namespace vigil::secrets {
namespace {

using model::Severity;

#define VIGIL_ASSIGN R"re(["']?\s{0,5}(?:=>|:=|[:=])\s{0,5}["']?)re"

// Discord bot tokens start with the bot's user id (a 17-20 digit snowflake) in base64url.
bool discord_token_ok(std::string_view secret) {
  const auto dot = secret.find('.');
  std::string id;
  if (dot == std::string_view::npos || !base64_decode(secret.substr(0, dot), id, 32, true)) {
    return false;
  }
  return id.size() >= 17 && id.size() <= 20 && all_of(id, "0123456789");
}

constexpr std::string_view kXoxb[] = {"xoxb-"};
constexpr std::string_view kXoxpe[] = {"xoxp-", "xoxe-"};
constexpr std::string_view kXapp[] = {"xapp-"};
constexpr std::string_view kXoxos[] = {"xoxo-", "xoxs-"};
constexpr std::string_view kXoxar[] = {"xoxa-", "xoxr-"};
constexpr std::string_view kXoxeDot[] = {"xoxe.xox"};
constexpr std::string_view kXoxe[] = {"xoxe-"};
constexpr std::string_view kSlackHooks[] = {"hooks.slack.com"};
constexpr std::string_view kDiscord[] = {"discord"};
constexpr std::string_view kWebhook[] = {"webhook"};
constexpr std::string_view kWorkflows[] = {"/workflows/"};
constexpr std::string_view kTelegram[] = {":aa"};
constexpr std::string_view kMattermost[] = {"mattermost"};
constexpr std::string_view kGoogleChat[] = {"chat.googleapis.com"};
constexpr std::string_view kWebex[] = {"webex"};

constexpr SecretRule kRules[] = {
    // Slack
    {.id = "slack-bot-token",
     .description = "Slack bot token",
     .severity = Severity::High,
     .pattern = R"re(\b(xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24})\b)re",
     .secret_group = 1,
     .keywords = kXoxb,
     .validation = {.min_entropy = 3.0}},
    {.id = "slack-user-token",
     .description = "Slack user token",
     .severity = Severity::High,
     .pattern = R"re(\b(xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{28,34})\b)re",
     .secret_group = 1,
     .keywords = kXoxpe,
     .validation = {.min_entropy = 3.0}},
    {.id = "slack-app-token",
     .description = "Slack app-level token",
     .severity = Severity::High,
     .pattern = R"re(\b(xapp-[0-9]-[A-Z0-9]{1,20}-[0-9]{1,20}-[a-f0-9]{64})\b)re",
     .secret_group = 1,
     .keywords = kXapp,
     .validation = {.min_entropy = 3.0}},
    {.id = "slack-legacy-token",
     .description = "Slack legacy token",
     .severity = Severity::High,
     .pattern = R"re(\b(xox[os]-[0-9]{1,13}-[0-9]{1,13}-[0-9]{1,13}-[a-fA-F0-9]{10,64})\b)re",
     .secret_group = 1,
     .keywords = kXoxos,
     .validation = {.min_entropy = 3.0}},
    {.id = "slack-workspace-token",
     .description = "Slack legacy workspace access or refresh token",
     .severity = Severity::High,
     .pattern = R"re(\b(xox[ar]-(?:[0-9]-)?[0-9A-Za-z]{8,48})\b)re",
     .secret_group = 1,
     .keywords = kXoxar,
     .validation = {.min_entropy = 3.0}},
    {.id = "slack-config-access-token",
     .description = "Slack app configuration access token",
     .severity = Severity::High,
     .pattern = R"re(\b(xoxe\.xox[bp]-[0-9]-[A-Z0-9]{163,166})\b)re",
     .secret_group = 1,
     .keywords = kXoxeDot,
     .validation = {.min_entropy = 3.0}},
    {.id = "slack-config-refresh-token",
     .description = "Slack app configuration refresh token",
     .severity = Severity::High,
     .pattern = R"re(\b(xoxe-[0-9]-[A-Z0-9]{146})\b)re",
     .secret_group = 1,
     .keywords = kXoxe,
     .validation = {.min_entropy = 3.0}},
    {.id = "slack-webhook-url",
     .description = "Slack incoming webhook URL (posts to one channel: medium)",
     .severity = Severity::Medium,
     .pattern = R"re((https?://hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24})\b)re",
     .secret_group = 1,
     .keywords = kSlackHooks},
    {.id = "slack-workflow-webhook-url",
     .description = "Slack workflow webhook URL (starts one workflow: medium)",
     .severity = Severity::Medium,
     .pattern = R"re((https?://hooks\.slack\.com/(?:workflows|triggers))re"
                R"re(/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/[0-9]{10,20}/[A-Za-z0-9]{32})\b)re",
     .secret_group = 1,
     .keywords = kSlackHooks},
    // Discord: bot tokens start with the bot's 17-19 digit id in base64; the pattern spells out what base64 of
    // ASCII digits looks like (4-character groups [MNO][DTjz][AEIMQUYcgk][w-z0-5]), which keeps Hyperscan fast
    // without a context keyword, and the check decodes it.
    {.id = "discord-bot-token",
     .description = "Discord bot token",
     .severity = Severity::High,
     .pattern = R"re(\b((?:[MNO][DTjz][AEIMQUYcgk][w-z0-5]){5}[MNO][DTjz][AEIMQUYcgk](?:[w-z0-5](?:[MNO][AQgw])?)?)re"
                R"re(\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?:[^A-Za-z0-9_.-]|$))re",
     .secret_group = 1,
     .validation = {.min_entropy = 3.0, .check = discord_token_ok}},
    {.id = "discord-webhook-url",
     .description = "Discord webhook URL (posts to one channel: medium)",
     .severity = Severity::Medium,
     .pattern = R"re((https?://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks)re"
                R"re(/[0-9]{17,20}/[A-Za-z0-9_-]{60,68})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kDiscord},
    // Microsoft Teams: classic connectors and the Workflows (Power Automate) replacement.
    {.id = "teams-webhook-url",
     .description = "Microsoft Teams incoming webhook URL (posts to one channel: medium)",
     .severity = Severity::Medium,
     .pattern =
         R"re((https://(?:[a-z0-9-]{1,64}\.webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook))re"
         R"re(/[0-9a-f-]{36}@[0-9a-f-]{36})re"
         R"re(/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}(?:/[A-Za-z0-9_-]{40,64})?)(?:[^A-Za-z0-9_/-]|$))re",
     .secret_group = 1,
     .keywords = kWebhook},
    {.id = "teams-workflow-webhook-url",
     .description = "Microsoft Teams / Power Automate workflow trigger URL (signed: medium)",
     .severity = Severity::Medium,
     .pattern = R"re((https://[a-z0-9.-]{1,120}\.(?:logic\.azure\.com|api\.powerplatform\.com))re"
                R"re((?::443)?/[A-Za-z0-9/_-]{0,100})re"
                R"re(workflows/[0-9a-f]{32}/triggers/[A-Za-z0-9_/.-]{1,100})re"
                R"re(\?[^\s"'<>]{0,300})re"
                R"re(sig=[A-Za-z0-9_%-]{43,64})(?:[^A-Za-z0-9_%-]|$))re",
     .secret_group = 1,
     .keywords = kWorkflows},
    // Others
    {.id = "telegram-bot-token",
     .description = "Telegram bot token",
     .severity = Severity::High,
     .pattern = R"re(\b([0-9]{8,10}:AA[0-9A-Za-z_-]{33})(?:[^0-9A-Za-z_-]|$))re",
     .secret_group = 1,
     .keywords = kTelegram,
     .validation = {.min_entropy = 3.0}},
    {.id = "mattermost-access-token",
     .description = "Mattermost personal access token",
     .severity = Severity::Medium,
     .pattern = R"re((?i:mattermost[\w.-]{0,20}(?:token|key|secret)))re" VIGIL_ASSIGN R"re(([a-z0-9]{26})\b)re",
     .secret_group = 1,
     .keywords = kMattermost,
     .validation = {.min_entropy = 3.0}},
    {.id = "google-chat-webhook-url",
     .description = "Google Chat incoming webhook token (posts to one space: medium; the key= in the URL is shared by "
                    "all webhooks)",
     .severity = Severity::Medium,
     .pattern = R"re(https://chat\.googleapis\.com/v1/spaces/[A-Za-z0-9_-]{8,20})re"
                R"re(/messages\?key=[A-Za-z0-9_-]{39})re"
                R"re(&token=([A-Za-z0-9_%=-]{40,80})(?:[^A-Za-z0-9_%=-]|$))re",
     .secret_group = 1,
     .keywords = kGoogleChat},
    // Webex needs its name nearby: a pattern led by 64 free characters costs Hyperscan several times the scan speed.
    {.id = "webex-bot-token",
     .description = "Webex bot or integration access token",
     .severity = Severity::High,
     .pattern =
         R"re((?i:webex[\w.-]{0,30}(?:token|key|secret)))re" VIGIL_ASSIGN
         R"re(([A-Za-z0-9]{64}_[A-Za-z0-9]{4}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b)re",
     .secret_group = 1,
     .keywords = kWebex,
     .validation = {.min_entropy = 3.5}},
};

#undef VIGIL_ASSIGN

}  // namespace

std::span<const SecretRule> chat_rules() {
  return kRules;
}

}  // namespace vigil::secrets
