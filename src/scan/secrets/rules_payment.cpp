// Secret rules: payment group (see groups.hpp): Stripe, Square, Braintree, Adyen, Plaid, Flutterwave, GoCardless.
// Each row has positive and negative tests in tests/unit/secrets/rules_b_test.cpp (cases in
// tests/data/secrets/rules_b/).
#include "scan/secrets/groups.hpp"

namespace vigil::secrets {
namespace {

using model::Severity;

// Token patterns end with a terminator class instead of \b where the token alphabet has '-' or '=', so that
// Hyperscan reports one end per start and the PCRE2 re-match extracts the same secret from every report.
constexpr std::string_view kStripeLive[] = {"sk_live_"};
constexpr std::string_view kStripeRestricted[] = {"rk_live_"};
constexpr std::string_view kStripeTest[] = {"k_test_"};
constexpr std::string_view kWhsec[] = {"whsec_"};
constexpr std::string_view kSquareEaaa[] = {"eaaa"};
constexpr std::string_view kSquareAtp[] = {"sq0atp-"};
constexpr std::string_view kSquareCsp[] = {"sq0csp-"};
constexpr std::string_view kBraintreeProd[] = {"access_token$production$"};
constexpr std::string_view kBraintreeSandbox[] = {"access_token$sandbox$"};
constexpr std::string_view kAdyen[] = {"aqe"};
constexpr std::string_view kPlaidAccess[] = {"access-production-", "access-development-"};
constexpr std::string_view kPlaid[] = {"plaid"};
constexpr std::string_view kFlutterwave[] = {"flwseck"};
constexpr std::string_view kGocardless[] = {"gocardless"};

constexpr SecretRule kRules[] = {
    {.id = "stripe-secret-key",
     .description = "Stripe live secret key (full API access to a live payments account)",
     .severity = Severity::Critical,
     .pattern = R"re(\bsk_live_[0-9a-zA-Z]{24,247}\b)re",
     .keywords = kStripeLive,
     .validation = {.min_entropy = 3.0}},
    {.id = "stripe-restricted-key",
     .description = "Stripe live restricted key",
     .severity = Severity::High,
     .pattern = R"re(\brk_live_[0-9a-zA-Z]{24,247}\b)re",
     .keywords = kStripeRestricted,
     .validation = {.min_entropy = 3.0}},
    {.id = "stripe-test-key",
     .description = "Stripe test-mode secret or restricted key (no real money, but exposes test data and settings)",
     .severity = Severity::Low,
     .pattern = R"re(\b[rs]k_test_[0-9a-zA-Z]{24,247}\b)re",
     .keywords = kStripeTest,
     .validation = {.min_entropy = 3.0}},
    {.id = "stripe-webhook-secret",
     .description = "Stripe webhook signing secret (lets an attacker forge webhook events)",
     .severity = Severity::Medium,
     .pattern = R"re(\bwhsec_[A-Za-z0-9]{32,64}\b)re",
     .keywords = kWhsec,
     .validation = {.min_entropy = 3.0}},
    {.id = "square-access-token",
     .description = "Square production access token",
     .severity = Severity::High,
     .pattern = R"re(\b(EAAA[A-Za-z0-9_-]{60})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kSquareEaaa,
     .validation = {.min_entropy = 3.5}},
    {.id = "square-legacy-access-token",
     .description = "Square access token (legacy sq0atp- format)",
     .severity = Severity::High,
     .pattern = R"re(\b(sq0atp-[A-Za-z0-9_-]{22})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kSquareAtp,
     .validation = {.min_entropy = 3.0}},
    {.id = "square-oauth-secret",
     .description = "Square OAuth application secret",
     .severity = Severity::High,
     .pattern = R"re(\b(sq0csp-[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kSquareCsp,
     .validation = {.min_entropy = 3.0}},
    {.id = "braintree-access-token",
     .description = "Braintree (PayPal) production access token",
     .severity = Severity::Critical,
     .pattern = R"re(\baccess_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}\b)re",
     .keywords = kBraintreeProd},
    {.id = "braintree-sandbox-access-token",
     .description = "Braintree (PayPal) sandbox access token (test environment only)",
     .severity = Severity::Low,
     .pattern = R"re(\baccess_token\$sandbox\$[0-9a-z]{16}\$[0-9a-f]{32}\b)re",
     .keywords = kBraintreeSandbox},
    {.id = "adyen-api-key",
     .description = "Adyen API key",
     .severity = Severity::High,
     // Two base64 parts and a short key id of printable characters other than quotes.
     .pattern = R"re(\b(AQE[A-Za-z0-9]hmf[A-Za-z0-9+/]{40,}={0,2}-[A-Za-z0-9+/]{40,}={0,2}-)re"
                R"re([\x21\x23-\x26\x28-\x7e]{6,24})(?:["'\s]|$))re",
     .secret_group = 1,
     .keywords = kAdyen,
     .validation = {.min_entropy = 4.0}},
    {.id = "plaid-access-token",
     .description = "Plaid access token (production or development environment)",
     .severity = Severity::High,
     .pattern =
         R"re(\baccess-(?:production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)re",
     .keywords = kPlaidAccess},
    {.id = "plaid-secret-key",
     .description = "Plaid API secret (30 hex characters next to a Plaid keyword)",
     .severity = Severity::High,
     .pattern = R"re((?i)plaid[\w.-]{0,20}secret["']?[ \t]*(?:=|:|=>|:=)[ \t]*["']?([0-9a-f]{30})\b)re",
     .secret_group = 1,
     .keywords = kPlaid,
     .validation = {.min_entropy = 3.0}},
    {.id = "flutterwave-secret-key",
     .description = "Flutterwave secret key",
     .severity = Severity::High,
     .pattern = R"re(\bFLWSECK(?:_TEST)?-[a-h0-9]{32}-X\b)re",
     .keywords = kFlutterwave,
     .validation = {.min_entropy = 3.0}},
    {.id = "gocardless-api-token",
     .description = "GoCardless live access token (next to a GoCardless keyword)",
     .severity = Severity::High,
     .pattern = R"re((?i)gocardless[^\r\n]{0,40}\b(live_[A-Za-z0-9_=-]{40})(?:[^A-Za-z0-9_=-]|$))re",
     .secret_group = 1,
     .keywords = kGocardless,
     .validation = {.min_entropy = 3.5}},
};

}  // namespace

std::span<const SecretRule> payment_rules() {
  return kRules;
}

}  // namespace vigil::secrets
