// Image config checks and the download-and-execute detector they share with the config scanner.
#include <gtest/gtest.h>

#include "scan/config/shell_risks.hpp"
#include "scan/image/config_checks.hpp"

namespace vigil::scan {
namespace {

TEST(PipesDownloadToInterpreter, FlagsTheCodecovFamily) {
  for (std::string_view line : {
           "/bin/sh -c curl -fsSL https://get.example.com/install.sh | sh",
           "RUN wget -qO- https://example.com/setup | sudo -E bash -",
           "bash <(curl -s https://codecov.io/bash)",
           "/bin/sh -c sh -c \"$(curl -fsSL https://raw.githubusercontent.com/x/y/master/install.sh)\"",
           "eval \"$(wget -qO- https://example.com/env)\"",
           "curl https://x.example/a.py | /usr/bin/python3 -",
           "set -eux; apt-get update && curl -sL https://deb.nodesource.com/setup_18.x | bash - && apt-get install -y "
           "nodejs",
       }) {
    EXPECT_TRUE(config::pipes_download_to_interpreter(line)) << line;
  }
}

TEST(PipesDownloadToInterpreter, LeavesCloseNegativesAlone) {
  for (std::string_view line : {
           "/bin/sh -c curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && echo \"abc  /tmp/tool.tgz\" | "
           "sha256sum -c",
           "curl -s https://example.com/data.json | jq .items",
           "cat install.sh | sh",
           "apt-get install -y curl bash",
           "wget https://example.com/x.tar.gz || true",
           "echo $(date) | tee /tmp/log",
           "/bin/sh -c #(nop)  CMD [\"bash\"]",
       }) {
    EXPECT_FALSE(config::pipes_download_to_interpreter(line)) << line;
  }
}

formats::oci::ImageConfig config_with(std::string user) {
  formats::oci::ImageConfig c;
  c.user = std::move(user);
  c.env = {"PATH=/usr/local/bin:/usr/bin", "NPM_TOKEN=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"};
  c.history = {{"", "/bin/sh -c #(nop) ADD file:abc in / ", "", false},
               {"", "/bin/sh -c #(nop)  ENV NODE=18", "", true},
               {"", "/bin/sh -c curl -fsSL https://example.com/i.sh | sh", "", false}};
  return c;
}

std::vector<model::LayerPtr> two_layers() {
  std::vector<model::LayerPtr> layers;
  for (int i = 0; i < 2; ++i) {
    auto l = std::make_shared<model::LayerRef>();
    l->index = i;
    layers.push_back(l);
  }
  return layers;
}

TEST(ImageConfigChecks, RootUserAndDownloadedCode) {
  const auto layers = two_layers();
  model::Inventory inv;
  image_checks::check_config(config_with(""), layers, nullptr, inv);
  ASSERT_EQ(inv.misconfigurations.size(), 2U);
  EXPECT_EQ(inv.misconfigurations[0].check, "image-runs-as-root");
  EXPECT_EQ(inv.misconfigurations[1].check, "image-history-download-execute");
  EXPECT_EQ(inv.misconfigurations[1].line, 3);
  ASSERT_TRUE(inv.misconfigurations[1].layer);
  EXPECT_EQ(inv.misconfigurations[1].layer->index, 1);  // the ENV line made no layer
  EXPECT_TRUE(inv.secrets.empty());                     // no scanner given

  for (std::string user : {"root", "0", "0:0", "root:root"}) {
    model::Inventory as_root;
    image_checks::check_config(config_with(user), layers, nullptr, as_root);
    EXPECT_EQ(as_root.misconfigurations[0].check, "image-runs-as-root") << user;
  }
  model::Inventory app_user;
  image_checks::check_config(config_with("10001:10001"), layers, nullptr, app_user);
  ASSERT_EQ(app_user.misconfigurations.size(), 1U);
  EXPECT_EQ(app_user.misconfigurations[0].check, "image-history-download-execute");
}

TEST(ImageConfigChecks, SecretsInEnvAreSecretFindings) {
  secrets::ScannerOptions options;
  options.cache_dir.clear();
  auto scanner = secrets::SecretScanner::create(secrets::all_secret_rules(), options);
  ASSERT_TRUE(scanner);
  model::Inventory inv;
  image_checks::check_config(config_with("app"), two_layers(), scanner->get(), inv);
  ASSERT_EQ(inv.secrets.size(), 1U);
  EXPECT_EQ(inv.secrets[0].path, "image-config/env");
  EXPECT_EQ(inv.secrets[0].line, 2);
  EXPECT_EQ(inv.secrets[0].rule, "npm-access-token");
}

}  // namespace
}  // namespace vigil::scan
