// Secret rules: private key group (see groups.hpp): PEM (PKCS#1 RSA, SEC1 EC, DSA, PKCS#8), OpenSSH, PGP, PuTTY,
// SSH2 (Tectia) and age keys. Each rule matches the whole block; the secret is the block from BEGIN to END.
// Positive and negative tests: tests/unit/secrets/rules_b_test.cpp (key files in tests/data/secrets/rules_b/).
#include "scan/secrets/groups.hpp"

namespace vigil::secrets {
namespace {

using model::Severity;

// Bodies are unbounded repeats ({64,}) on purpose: Hyperscan with start-of-match tracking compiles a bounded
// {64,8192} body into a huge (or rejected) database. The engine's chunk overlap bounds a match in practice.
// The body alphabet is base64, whitespace and backslash (keys inside JSON/YAML strings carry literal "\n"),
// never '-', so a block cannot run past its own END line into the next key.
#define VIGIL_B64_BODY R"re([A-Za-z0-9+/=\s\\]{64,})re"
// PKCS#1/SEC1/DSA keys encrypted by OpenSSL's legacy PEM encryption carry two header lines before the body.
#define VIGIL_PEM_HEADERS R"re((?:\s*Proc-Type: 4,ENCRYPTED\s+DEK-Info: [A-Z0-9-]{3,32},[0-9A-Fa-f]{16,64}\s)?)re"

constexpr std::string_view kRsa[] = {"-----begin rsa private key-----"};
constexpr std::string_view kEc[] = {"-----begin ec private key-----"};
constexpr std::string_view kDsa[] = {"-----begin dsa private key-----"};
constexpr std::string_view kOpenssh[] = {"-----begin openssh private key-----"};
constexpr std::string_view kPkcs8[] = {"-----begin private key-----"};
constexpr std::string_view kEncrypted[] = {"-----begin encrypted private key-----"};
constexpr std::string_view kPgp[] = {"-----begin pgp private key block-----"};
constexpr std::string_view kPutty[] = {"putty-user-key-file-"};
constexpr std::string_view kSsh2[] = {"---- begin ssh2 encrypted private key ----"};
constexpr std::string_view kAge[] = {"age-secret-key-1"};

constexpr SecretRule kRules[] = {
    {.id = "private-key-rsa",
     .description = "RSA private key (PEM, PKCS#1)",
     .severity = Severity::Critical,
     .pattern = "-----BEGIN RSA PRIVATE KEY-----" VIGIL_PEM_HEADERS VIGIL_B64_BODY "-----END RSA PRIVATE KEY-----",
     .keywords = kRsa,
     .validation = {.min_entropy = 4.5}},
    {.id = "private-key-ec",
     .description = "EC private key (PEM, SEC1)",
     .severity = Severity::Critical,
     .pattern = "-----BEGIN EC PRIVATE KEY-----" VIGIL_PEM_HEADERS VIGIL_B64_BODY "-----END EC PRIVATE KEY-----",
     .keywords = kEc,
     .validation = {.min_entropy = 4.5}},
    {.id = "private-key-dsa",
     .description = "DSA private key (PEM)",
     .severity = Severity::Critical,
     .pattern = "-----BEGIN DSA PRIVATE KEY-----" VIGIL_PEM_HEADERS VIGIL_B64_BODY "-----END DSA PRIVATE KEY-----",
     .keywords = kDsa,
     .validation = {.min_entropy = 4.5}},
    {.id = "private-key-openssh",
     .description = "OpenSSH private key",
     .severity = Severity::Critical,
     .pattern = "-----BEGIN OPENSSH PRIVATE KEY-----" VIGIL_B64_BODY "-----END OPENSSH PRIVATE KEY-----",
     .keywords = kOpenssh,
     .validation = {.min_entropy = 4.5}},
    {.id = "private-key-pkcs8",
     .description = "Private key (PEM, unencrypted PKCS#8)",
     .severity = Severity::Critical,
     .pattern = "-----BEGIN PRIVATE KEY-----" VIGIL_B64_BODY "-----END PRIVATE KEY-----",
     .keywords = kPkcs8,
     .validation = {.min_entropy = 4.5}},
    {.id = "private-key-encrypted",
     .description = "Encrypted private key (PEM, PKCS#8): needs its passphrase too, which often sits nearby",
     .severity = Severity::High,
     .pattern = "-----BEGIN ENCRYPTED PRIVATE KEY-----" VIGIL_B64_BODY "-----END ENCRYPTED PRIVATE KEY-----",
     .keywords = kEncrypted,
     .validation = {.min_entropy = 4.5}},
    {.id = "private-key-pgp",
     .description = "PGP private key block",
     .severity = Severity::Critical,
     // Armor headers (Version:, Comment:) may precede the body. The body is `+` rather than {64,} here: with the
     // header lines Hyperscan rejects the bounded form; min_entropy keeps empty or dummy bodies out.
     .pattern = R"re(-----BEGIN PGP PRIVATE KEY BLOCK-----(?:\r?\n[A-Za-z]+: [^\r\n]*)*[\s\\][A-Za-z0-9+/=\s\\]+)re"
                "-----END PGP PRIVATE KEY BLOCK-----",
     .keywords = kPgp,
     .validation = {.min_entropy = 4.5}},
    {.id = "private-key-putty",
     .description = "PuTTY private key (.ppk, v2 or v3; encrypted ones too: the passphrase is often weak or nearby)",
     .severity = Severity::Critical,
     .pattern = R"re(PuTTY-User-Key-File-[23]: [a-z0-9-]+\r?\nEncryption: [a-z0-9-]+\r?\n[\x09\x0a\x0d\x20-\x7e]*)re"
                R"re(Private-Lines: [0-9]+\r?\n[A-Za-z0-9+/=\r\n]+Private-MAC: [0-9a-f]{40}(?:[0-9a-f]{24})?\b)re",
     .keywords = kPutty,
     .validation = {.min_entropy = 4.5}},
    {.id = "private-key-ssh2",
     .description = "SSH2 (Tectia/SSH.com) encrypted private key",
     .severity = Severity::High,
     .pattern =
         R"re(---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----(?:\r?\n[A-Za-z-]+: [^\r\n]*)*[\s\\][A-Za-z0-9+/=\s\\]+)re"
         "---- END SSH2 ENCRYPTED PRIVATE KEY ----",
     .keywords = kSsh2,
     .validation = {.min_entropy = 4.5}},
    {.id = "age-secret-key",
     .description = "age encryption secret key",
     .severity = Severity::Critical,
     .pattern = R"re(\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b)re",
     .keywords = kAge,
     .validation = {.min_entropy = 4.0}},
};

#undef VIGIL_B64_BODY
#undef VIGIL_PEM_HEADERS

}  // namespace

std::span<const SecretRule> key_rules() {
  return kRules;
}

}  // namespace vigil::secrets
