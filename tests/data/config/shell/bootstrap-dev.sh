#!/usr/bin/env bash
# Sets up a developer machine: Rust toolchain, Node via nvm, Homebrew on macOS.
# Usage: ./scripts/bootstrap-dev.sh
set -euo pipefail

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

if ! command -v rustup >/dev/null 2>&1; then
  log "Installing rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --default-toolchain stable
fi

if [ ! -d "${HOME}/.nvm" ]; then
  log "Installing nvm"
  curl -o- https://raw.githubusercontent.com/nvm-sh/nvm/v0.39.7/install.sh | bash
fi

if [[ "$(uname -s)" == "Darwin" ]] && ! command -v brew >/dev/null; then
  /bin/bash -c "$(curl -fsSL https://raw.githubusercontent.com/Homebrew/install/HEAD/install.sh)"
fi

# Do NOT do this: curl -fsSL https://example.com/install.sh | sh
echo "If you prefer, run: curl -fsSL https://get.pnpm.io/install.sh | sh -"

cat > "${HOME}/.devrc" <<'DEVRC'
export PATH="$HOME/.cargo/bin:$PATH"
alias reinstall-uv='curl -LsSf https://astral.sh/uv/install.sh | sh'
DEVRC

latest=$(curl -fsSL https://api.github.com/repos/cli/cli/releases/latest | jq -r .tag_name)
log "latest gh is ${latest}"
curl -fsSL https://api.github.com/repos/cli/cli/releases/latest | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])'
curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh | tee /tmp/omz-install.sh >/dev/null
eval "$(wget -qO- https://direnv.net/install.sh)"
