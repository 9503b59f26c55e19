// The rule groups, one file each (rules_<group>.cpp); table.cpp concatenates them in this order.
#pragma once

#include <span>

#include "scan/secrets/rule.hpp"

namespace vigil::secrets {

std::span<const SecretRule> cloud_rules();     // AWS, GCP, Azure, other clouds
std::span<const SecretRule> vcs_rules();       // GitHub, GitLab, Bitbucket...
std::span<const SecretRule> registry_rules();  // CI systems and package registries: npm, PyPI, Docker Hub, Codecov...
std::span<const SecretRule> chat_rules();      // Slack, Discord, Teams, Telegram...
std::span<const SecretRule> payment_rules();   // Stripe, Square, PayPal/Braintree...
std::span<const SecretRule> saas_rules();      // Twilio, SendGrid, ..., OpenAI, Anthropic, Hugging Face
std::span<const SecretRule> key_rules();       // private keys: PEM RSA/EC/DSA, OpenSSH, PGP, PKCS#8
std::span<const SecretRule> generic_rules();   // JWTs, URLs with passwords, password=/secret=/api_key: assignments

}  // namespace vigil::secrets
