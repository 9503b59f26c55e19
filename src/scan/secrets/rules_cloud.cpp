// Secret rules: cloud group (see groups.hpp): AWS, GCP, Azure and other cloud providers. Every row has a
// positive and a negative test in tests/unit/secrets/rules_a_test.cpp (data in tests/data/secrets/rules_a/).
// Severity: CRITICAL for credentials that control a whole account or storage account, HIGH for scoped tokens.
#include "scan/secrets/groups.hpp"

namespace vigil::secrets {
namespace {

using model::Severity;

// Context rules share one shape: key name, optional closing quote, an assignment operator (=, :, :=, =>), an
// optional opening quote, then the value in group 1.
#define VIGIL_ASSIGN R"re(["']?\s{0,5}(?:=>|:=|[:=])\s{0,5}["']?)re"
#define VIGIL_UUID R"re([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})re"

constexpr std::string_view kAwsKeyId[] = {"akia", "asia", "abia", "acca", "a3t"};
constexpr std::string_view kSecret[] = {"secret"};
constexpr std::string_view kAwsSession[] = {"session", "security"};
constexpr std::string_view kAmznMws[] = {"amzn.mws."};
constexpr std::string_view kGcpKeyId[] = {"private_key_id"};
constexpr std::string_view kAiza[] = {"aiza"};
constexpr std::string_view kGocspx[] = {"gocspx-"};
constexpr std::string_view kYa29[] = {"ya29."};
constexpr std::string_view kAccount[] = {"account"};
constexpr std::string_view kSig[] = {"sig="};
constexpr std::string_view kQTilde[] = {"q~"};
constexpr std::string_view kSharedAccessKey[] = {"sharedaccesskey"};
constexpr std::string_view kDop[] = {"dop_v1_"};
constexpr std::string_view kDoo[] = {"doo_v1_"};
constexpr std::string_view kDor[] = {"dor_v1_"};
constexpr std::string_view kLtai[] = {"ltai"};
constexpr std::string_view kIbm[] = {"ibm", "ic_api_key"};
constexpr std::string_view kHeroku[] = {"heroku"};
constexpr std::string_view kHrku[] = {"hrku-"};
constexpr std::string_view kLinode[] = {"linode"};
constexpr std::string_view kAkid[] = {"akid"};
constexpr std::string_view kScaleway[] = {"scw", "scaleway"};
constexpr std::string_view kCloudflare[] = {"cloudflare", "cf_api", "cf-api", "cf.api"};
constexpr std::string_view kCfOrigin[] = {"v1.0-"};
constexpr std::string_view kYandex[] = {"aqvn"};

constexpr SecretRule kRules[] = {
    // AWS
    {.id = "aws-access-key-id",
     .description = "AWS access key ID (half of an IAM or STS credential pair)",
     .severity = Severity::Critical,
     .pattern = R"re(\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b)re",
     .secret_group = 1,
     .keywords = kAwsKeyId,
     .validation = {.min_entropy = 3.0}},
    {.id = "aws-secret-access-key",
     .description = "AWS secret access key",
     .severity = Severity::Critical,
     .pattern = R"re((?i:(?:aws[_.-]?)?secret[_.-]?access[_.-]?key|aws[_.-]?secret[_.-]?key))re" VIGIL_ASSIGN
                R"re(([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$))re",
     .secret_group = 1,
     .keywords = kSecret,
     .validation = {.min_entropy = 4.0}},
    {.id = "aws-session-token",
     .description = "AWS temporary session token (expires, but acts with the issuing role's rights)",
     .severity = Severity::High,
     .pattern = R"re((?i:aws[_.-]?session[_.-]?token|aws[_.-]?security[_.-]?token|x-amz-security-token))re" VIGIL_ASSIGN
                R"re(([A-Za-z0-9/+=]{100,2048})(?:[^A-Za-z0-9/+=]|$))re",
     .secret_group = 1,
     .keywords = kAwsSession,
     .validation = {.min_entropy = 4.0}},
    {.id = "aws-mws-key",
     .description = "Amazon Marketplace Web Service auth token",
     .severity = Severity::High,
     .pattern = R"re(\b(amzn\.mws\.)re" VIGIL_UUID R"re()\b)re",
     .secret_group = 1,
     .keywords = kAmznMws},
    // Google Cloud
    {.id = "gcp-service-account",
     .description = "GCP service account key file (private_key_id followed by the private key)",
     .severity = Severity::Critical,
     .pattern =
         R"re("private_key_id"\s{0,5}:\s{0,5}"([0-9a-f]{40})"\s{0,5},\s{0,5}"private_key"\s{0,5}:\s{0,5}"-----BEGIN)re",
     .secret_group = 1,
     .keywords = kGcpKeyId},
    {.id = "gcp-api-key",
     .description = "Google Cloud API key",
     .severity = Severity::High,
     .pattern = R"re(\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$))re",
     .secret_group = 1,
     .keywords = kAiza,
     .validation = {.min_entropy = 3.0}},
    {.id = "gcp-oauth-client-secret",
     .description = "Google OAuth client secret",
     .severity = Severity::High,
     .pattern = R"re(\b(GOCSPX-[0-9A-Za-z_-]{28})(?:[^0-9A-Za-z_-]|$))re",
     .secret_group = 1,
     .keywords = kGocspx,
     .validation = {.min_entropy = 3.0}},
    {.id = "gcp-oauth-access-token",
     .description = "Google OAuth access token (expires within an hour: medium)",
     .severity = Severity::Medium,
     .pattern = R"re(\b(ya29\.[0-9A-Za-z_-]{50,2048})(?:[^0-9A-Za-z_-]|$))re",
     .secret_group = 1,
     .keywords = kYa29,
     .validation = {.min_entropy = 3.5}},
    // Azure
    {.id = "azure-storage-account-key",
     .description = "Azure storage account key (full control of the storage account)",
     .severity = Severity::Critical,
     .pattern = R"re((?i:account[_.-]?key))re" VIGIL_ASSIGN R"re(([A-Za-z0-9+/]{86}==))re",
     .secret_group = 1,
     .keywords = kAccount,
     .validation = {.min_entropy = 4.5}},
    {.id = "azure-sas-token",
     .description = "Azure shared access signature (SAS) token",
     .severity = Severity::High,
     .pattern = R"re(\bsv=20[0-9]{2}-[0-9]{2}-[0-9]{2}&)re"
                R"re([^\s"'<>]{0,400}[?&;]sig=((?:[A-Za-z0-9+/]|%2[BbFf]){43}(?:%3[Dd]|=)))re",
     .secret_group = 1,
     .keywords = kSig},
    {.id = "azure-ad-client-secret",
     .description = "Azure AD (Entra ID) application client secret",
     .severity = Severity::High,
     .pattern = R"re((?:^|[\s"'`=:(,>\\])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[\s"'`<),;\\]|$))re",
     .secret_group = 1,
     .keywords = kQTilde,
     .validation = {.min_entropy = 3.5}},
    {.id = "azure-shared-access-key",
     .description = "Azure Service Bus / Event Hubs / IoT Hub shared access key",
     .severity = Severity::High,
     .pattern = R"re((?i:SharedAccessKey)\s{0,3}=\s{0,3}([A-Za-z0-9+/]{43}=))re",
     .secret_group = 1,
     .keywords = kSharedAccessKey,
     .validation = {.min_entropy = 4.0}},
    // DigitalOcean
    {.id = "digitalocean-pat",
     .description = "DigitalOcean personal access token (account-wide API access)",
     .severity = Severity::Critical,
     .pattern = R"re(\b(dop_v1_[a-f0-9]{64})\b)re",
     .secret_group = 1,
     .keywords = kDop},
    {.id = "digitalocean-oauth-token",
     .description = "DigitalOcean OAuth access token",
     .severity = Severity::High,
     .pattern = R"re(\b(doo_v1_[a-f0-9]{64})\b)re",
     .secret_group = 1,
     .keywords = kDoo},
    {.id = "digitalocean-refresh-token",
     .description = "DigitalOcean OAuth refresh token",
     .severity = Severity::High,
     .pattern = R"re(\b(dor_v1_[a-f0-9]{64})\b)re",
     .secret_group = 1,
     .keywords = kDor},
    // Alibaba, Tencent, IBM, Heroku, Linode, Scaleway, Cloudflare, Yandex (Fly.io is in the saas group)
    {.id = "alibaba-access-key-id",
     .description = "Alibaba Cloud AccessKey ID",
     .severity = Severity::High,
     .pattern = R"re(\b(LTAI[A-Za-z0-9]{12,20})\b)re",
     .secret_group = 1,
     .keywords = kLtai,
     .validation = {.min_entropy = 3.0}},
    {.id = "alibaba-secret-key",
     .description = "Alibaba Cloud AccessKey secret",
     .severity = Severity::Critical,
     .pattern = R"re((?i:(?:alibaba|aliyun|alicloud)[\w.-]{0,30}secret|access[_.-]?key[_.-]?secret))re" VIGIL_ASSIGN
                R"re(([A-Za-z0-9]{30})(?:[^A-Za-z0-9]|$))re",
     .secret_group = 1,
     .keywords = kSecret,
     .validation = {.min_entropy = 3.5}},
    {.id = "tencent-cloud-secret-id",
     .description = "Tencent Cloud SecretId",
     .severity = Severity::High,
     .pattern = R"re(\b(AKID[A-Za-z0-9]{32})\b)re",
     .secret_group = 1,
     .keywords = kAkid,
     .validation = {.min_entropy = 3.5}},
    {.id = "ibm-cloud-api-key",
     .description = "IBM Cloud API key",
     .severity = Severity::High,
     .pattern = R"re((?i:ibm[\w.-]{0,20}api[_.-]?key|ic_api_key))re" VIGIL_ASSIGN
                R"re(([A-Za-z0-9_-]{44})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kIbm,
     .validation = {.min_entropy = 4.0}},
    {.id = "heroku-api-key",
     .description = "Heroku API key",
     .severity = Severity::High,
     .pattern = R"re((?i:heroku[\w.-]{0,20}(?:key|token|secret)))re" VIGIL_ASSIGN R"re(()re" VIGIL_UUID R"re()\b)re",
     .secret_group = 1,
     .keywords = kHeroku},
    {.id = "heroku-api-key-v2",
     .description = "Heroku API key (HRKU- format)",
     .severity = Severity::High,
     .pattern = R"re(\b(HRKU-AA[0-9A-Za-z_-]{58})(?:[^0-9A-Za-z_-]|$))re",
     .secret_group = 1,
     .keywords = kHrku,
     .validation = {.min_entropy = 3.5}},
    {.id = "linode-pat",
     .description = "Linode (Akamai) personal access token",
     .severity = Severity::High,
     .pattern = R"re((?i:linode[\w.-]{0,20}(?:token|key|pat)))re" VIGIL_ASSIGN R"re(([a-f0-9]{64})\b)re",
     .secret_group = 1,
     .keywords = kLinode,
     .validation = {.min_entropy = 3.0}},
    {.id = "scaleway-secret-key",
     .description = "Scaleway API secret key",
     .severity = Severity::High,
     .pattern = R"re((?i:scw[_.-]?secret[_.-]?key|scaleway[\w.-]{0,20}secret[_.-]?key))re" VIGIL_ASSIGN
                R"re(()re" VIGIL_UUID R"re()\b)re",
     .secret_group = 1,
     .keywords = kScaleway},
    {.id = "cloudflare-api-token",
     .description = "Cloudflare API token",
     .severity = Severity::High,
     .pattern = R"re((?i:cloudflare[\w.-]{0,20}token|cf[_.-]api[_.-]token))re" VIGIL_ASSIGN
                R"re(([A-Za-z0-9_-]{40})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kCloudflare,
     .validation = {.min_entropy = 3.5}},
    {.id = "cloudflare-global-api-key",
     .description = "Cloudflare global API key (full account access)",
     .severity = Severity::Critical,
     .pattern = R"re((?i:cloudflare[\w.-]{0,20}key|cf[_.-]api[_.-]key))re" VIGIL_ASSIGN R"re(([a-f0-9]{37})\b)re",
     .secret_group = 1,
     .keywords = kCloudflare,
     .validation = {.min_entropy = 3.0}},
    {.id = "cloudflare-origin-ca-key",
     .description = "Cloudflare Origin CA key",
     .severity = Severity::High,
     .pattern = R"re(\b(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})\b)re",
     .secret_group = 1,
     .keywords = kCfOrigin},
    {.id = "yandex-api-key",
     .description = "Yandex Cloud API key",
     .severity = Severity::High,
     .pattern = R"re(\b(AQVN[A-Za-z0-9_-]{35,38})(?:[^A-Za-z0-9_-]|$))re",
     .secret_group = 1,
     .keywords = kYandex,
     .validation = {.min_entropy = 3.5}},
};

#undef VIGIL_ASSIGN
#undef VIGIL_UUID

}  // namespace

std::span<const SecretRule> cloud_rules() {
  return kRules;
}

}  // namespace vigil::secrets
