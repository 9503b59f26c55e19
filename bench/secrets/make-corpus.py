#!/usr/bin/env python3
"""Generates a seeded secret-scanning corpus: source-like files in many languages with planted, format-valid
FAKE secrets and realistic decoys, plus DIR/.truth.jsonl (path, line, end_line, kind, secret_sha256, expected).

Every secret is random (seeded), never a real credential; checksummed formats (GitHub ghp_/gho_/ghu_/ghs_/ghr_,
npm_) carry a correct CRC32-base62 tail, PEM bodies are structurally valid DER, PGP armour has a correct CRC24.
The truth file never holds a secret, only its SHA-256.
Usage: make-corpus.py --seed 1 --out bench/work/secrets-corpus --files 5000 [--max-kb 200] [--density 1.0]
"""
import argparse
import base64
import binascii
import hashlib
import json
import math
import os
import random
import shutil
import string
import sys

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"


class Gen:
    """Random fake-secret factory; every method returns the secret as the tool would print it."""

    def __init__(self, rng):
        self.r = rng

    def s(self, alphabet, n):
        return "".join(self.r.choices(alphabet, k=n))

    def uuid(self):
        h = self.s(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{self.r.choice('89ab')}{h[17:20]}-{h[20:]}"

    @staticmethod
    def b62(n, width):
        out = ""
        while n:
            n, d = divmod(n, 62)
            out = B62[d] + out
        return out.rjust(width, "0")

    def crc_token(self, prefix, broken=False):
        # GitHub/npm format: prefix + 30 random base62 + base62(CRC32(random part)) padded to 6.
        body = self.s(ALNUM, 30)
        crc = binascii.crc32(body.encode()) ^ (0x5A5A if broken else 0)
        return prefix + body + self.b62(crc, 6)

    # --- cloud
    def aws_key_id(self):
        return self.r.choice(["AKIA", "AKIA", "AKIA", "ASIA"]) + self.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)

    def aws_secret(self):
        return self.s(B64, 40)

    def gcp_api_key(self):
        return "AIza" + self.s(B64URL, 35)

    def azure_storage_key(self):
        return base64.b64encode(self.r.randbytes(64)).decode()

    def azure_sas(self):
        sig = base64.b64encode(self.r.randbytes(32)).decode().replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
        return f"sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2026-0{self.r.randint(1, 9)}-1{self.r.randint(0, 9)}T0{self.r.randint(0, 9)}:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig={sig}"

    # --- vcs
    def github_fine(self):
        return "github_pat_11" + self.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20) + "_" + self.s(ALNUM, 59)

    def gitlab(self, prefix):
        return prefix + self.s(B64URL.replace("-", "").replace("_", "") + "-_", 20)

    # --- registries
    def pypi(self):
        return "pypi-AgEIcHlwaS5vcmc" + self.s(B64URL, self.r.randint(150, 190))

    def rubygems(self):
        return "rubygems_" + self.s(HEX, 48)

    def nuget(self):
        return "oy2" + self.s(string.ascii_lowercase + string.digits, 43)

    def dockerhub(self):
        return "dckr_pat_" + self.s(B64URL, 27)

    # --- chat
    def slack_bot(self):
        return f"xoxb-{self.s(string.digits, 12)}-{self.s(string.digits, 13)}-{self.s(ALNUM, 24)}"

    def slack_user(self):
        return f"xoxp-{self.s(string.digits, 12)}-{self.s(string.digits, 12)}-{self.s(string.digits, 13)}-{self.s(HEX, 32)}"

    def slack_webhook(self):
        up = string.ascii_uppercase + string.digits
        return f"https://hooks.slack.com/services/T{self.s(up, 8)}/B{self.s(up, 10)}/{self.s(ALNUM, 24)}"

    def discord_bot(self):
        uid = str(self.r.randint(10**17, 10**18 - 1)).encode()
        return base64.b64encode(uid).decode().rstrip("=") + "." + self.s(B64URL, 6) + "." + self.s(B64URL, 38)

    def discord_webhook(self):
        return f"https://discord.com/api/webhooks/{self.r.randint(10**17, 10**18 - 1)}/{self.s(B64URL, 68)}"

    def teams_webhook(self):
        tenant = self.r.choice(["contoso", "fabrikam", "northwind", "acmecorp"])
        return (f"https://{tenant}.webhook.office.com/webhookb2/{self.uuid()}@{self.uuid()}/IncomingWebhook/"
                f"{self.s(HEX, 32)}/{self.uuid()}")

    # --- payments
    def stripe(self):
        return self.r.choice(["sk_live_", "rk_live_"]) + self.s(ALNUM, 99 if self.r.random() < 0.5 else 24)

    def square(self):
        return "EAAA" + self.s(B64URL, 60) if self.r.random() < 0.5 else "sq0atp-" + self.s(B64URL, 22)

    def braintree(self):
        return f"access_token$production${self.s(string.ascii_lowercase + string.digits, 16)}${self.s(HEX, 32)}"

    # --- SaaS
    def twilio(self):
        return "SK" + self.s(HEX, 32)

    def sendgrid(self):
        return "SG." + self.s(B64URL, 22) + "." + self.s(B64URL, 43)

    def mailgun(self):
        return "key-" + self.s(HEX, 32)

    def mailchimp(self):
        return self.s(HEX, 32) + "-us" + str(self.r.randint(1, 21))

    def shopify(self):
        return self.r.choice(["shpat_", "shpca_", "shppa_", "shpss_"]) + self.s(HEX, 32)

    def atlassian(self):
        return "ATATT3xFfGF0" + self.s(B64URL, 171) + "=" + self.s("0123456789ABCDEF", 8)

    def okta(self):
        return "00" + self.s(B64URL, 40)

    def vault(self):
        return "hvs.CAESI" + self.s(B64URL, 86)

    def terraform(self):
        return self.s(ALNUM, 14) + ".atlasv1." + self.s(ALNUM, 67)

    def databricks(self):
        return "dapi" + self.s(HEX, 32)

    def openai(self):
        if self.r.random() < 0.5:
            return "sk-proj-" + self.s(B64URL, 74) + "T3BlbkFJ" + self.s(B64URL, 74)
        return "sk-" + self.s(ALNUM, 20) + "T3BlbkFJ" + self.s(ALNUM, 20)

    def anthropic(self):
        return "sk-ant-api03-" + self.s(B64URL, 93) + "AA"

    def huggingface(self):
        return "hf_" + self.s(string.ascii_letters, 34)

    def digitalocean(self):
        return "dop_v1_" + self.s(HEX, 64)

    def grafana(self):
        return "glsa_" + self.s(ALNUM, 32) + "_" + self.s(HEX, 8)

    def newrelic(self):
        return "NRAK-" + self.s(string.ascii_uppercase + string.digits, 27)

    def linear(self):
        return "lin_api_" + self.s(ALNUM, 40)

    def postman(self):
        return "PMAK-" + self.s(HEX, 24) + "-" + self.s(HEX, 34)

    def pulumi(self):
        return "pul-" + self.s(HEX, 40)

    def doppler(self):
        return "dp.pt." + self.s(ALNUM, 43)

    def planetscale(self):
        return "pscale_tkn_" + self.s(B64URL, 43)

    def age(self):
        return "AGE-SECRET-KEY-1" + self.s("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)

    def alibaba(self):
        return "LTAI" + self.s(ALNUM, 20)

    def sentry(self):
        return "sntrys_" + base64.b64encode(json.dumps({"iat": 1700000000 + self.r.randint(0, 10**7), "url": "https://sentry.io", "region_url": "https://us.sentry.io", "org": "acme"}).encode()).decode().rstrip("=") + "_" + self.s(B64, 43)

    # --- generic
    def jwt(self):
        def enc(obj):
            return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")
        head = enc({"alg": self.r.choice(["HS256", "RS256"]), "typ": "JWT"})
        body = enc({"sub": self.uuid(), "iss": "https://auth.internal.acme.io", "iat": 1700000000 + self.r.randint(0, 10**7),
                    "exp": 1800000000, "scope": "read write"})
        return f"{head}.{body}.{self.s(B64URL, 43)}"

    def password(self):
        return self.s(ALNUM + "!#%&*+-=?@^_", self.r.randint(16, 28))

    def db_url(self):
        scheme, port = self.r.choice([("postgres", 5432), ("postgresql", 5432), ("mysql", 3306), ("mongodb+srv", 0),
                                      ("redis", 6379), ("amqp", 5672)])
        pw = self.s(ALNUM, self.r.randint(16, 24))
        host = self.r.choice(["db.internal.acme.io", "10.20.3.14", "cluster0.ab1cd.mongodb.net", "prod-rds.eu-west-1.rds.amazonaws.com"])
        user = self.r.choice(["app", "svc_orders", "admin", "reporting"])
        return f"{scheme}://{user}:{pw}@{host}{(':' + str(port)) if port else ''}/app", pw


# ---------------------------------------------------------------- PEM / key blocks (structurally valid DER)

def der_len(n):
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def der_int(rng, nbytes):
    b = bytearray(rng.randbytes(nbytes))
    b[0] |= 0x80
    return der(0x02, b"\x00" + bytes(b))


def der_small(n):
    return der(0x02, bytes([n]))


def pem(label, data):
    b = base64.b64encode(data).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return [f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]


def rsa_pkcs1(rng):
    sizes = [256, 3, 256, 128, 128, 128, 128, 128]
    return der(0x30, der_small(0) + b"".join(der_int(rng, n) if n > 3 else der(0x02, b"\x01\x00\x01") for n in sizes))


def key_block(rng, kind):
    if kind == "private-key-rsa":
        return pem("RSA PRIVATE KEY", rsa_pkcs1(rng))
    if kind == "private-key-pkcs8":
        alg = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
        return pem("PRIVATE KEY", der(0x30, der_small(0) + alg + der(0x04, rsa_pkcs1(rng))))
    if kind == "private-key-ec":
        body = der_small(1) + der(0x04, rng.randbytes(32)) + der(0xA0, der(0x06, bytes.fromhex("2a8648ce3d030107")))
        body += der(0xA1, der(0x03, b"\x00\x04" + rng.randbytes(64)))
        return pem("EC PRIVATE KEY", der(0x30, body))
    if kind == "private-key-dsa":
        return pem("DSA PRIVATE KEY", der(0x30, der_small(0) + b"".join(der_int(rng, n) for n in (128, 20, 128, 128, 20))))
    if kind == "private-key-openssh":
        def sshstr(b):
            return len(b).to_bytes(4, "big") + b
        pub = sshstr(b"ssh-ed25519") + sshstr(rng.randbytes(32))
        chk = rng.randbytes(4)
        priv = chk + chk + pub + sshstr(rng.randbytes(64)) + sshstr(b"deploy@ci") + b"\x01\x02\x03\x04\x05\x06\x07"
        data = b"openssh-key-v1\x00" + sshstr(b"none") + sshstr(b"none") + sshstr(b"") + (1).to_bytes(4, "big")
        data += sshstr(pub) + sshstr(priv)
        b = base64.b64encode(data).decode()
        return ["-----BEGIN OPENSSH PRIVATE KEY-----", *[b[i:i + 70] for i in range(0, len(b), 70)],
                "-----END OPENSSH PRIVATE KEY-----"]
    if kind == "private-key-pgp":
        data = bytes([0x95, 0x03, 0xC6]) + rng.randbytes(966)
        crc = 0xB704CE
        for byte in data:
            crc ^= byte << 16
            for _ in range(8):
                crc <<= 1
                if crc & 0x1000000:
                    crc ^= 0x1864CFB
        b = base64.b64encode(data).decode()
        return ["-----BEGIN PGP PRIVATE KEY BLOCK-----", "", *[b[i:i + 64] for i in range(0, len(b), 64)],
                "=" + base64.b64encode((crc & 0xFFFFFF).to_bytes(3, "big")).decode(), "-----END PGP PRIVATE KEY BLOCK-----"]
    raise ValueError(kind)


# ---------------------------------------------------------------- kinds: (kind, env var name, generator)

def single_kinds(g):
    """kind -> (variable name, generator returning the secret). Variable names are what code would use."""
    return {
        "aws-access-key-id": ("AWS_ACCESS_KEY_ID", g.aws_key_id),
        "aws-secret-access-key": ("AWS_SECRET_ACCESS_KEY", g.aws_secret),
        "gcp-api-key": ("GOOGLE_MAPS_API_KEY", g.gcp_api_key),
        "azure-storage-key": ("AZURE_STORAGE_CONNECTION_STRING", g.azure_storage_key),
        "azure-sas-token": ("AZURE_BLOB_SAS_URL", g.azure_sas),
        "github-pat": ("GITHUB_TOKEN", lambda: g.crc_token("ghp_")),
        "github-oauth": ("GH_OAUTH_TOKEN", lambda: g.crc_token("gho_")),
        "github-app-token": ("GITHUB_APP_TOKEN", lambda: g.crc_token(g.r.choice(["ghu_", "ghs_"]))),
        "github-refresh-token": ("GITHUB_REFRESH_TOKEN", lambda: g.crc_token("ghr_")),
        "github-fine-grained-pat": ("GH_PAT", g.github_fine),
        "gitlab-pat": ("GITLAB_TOKEN", lambda: g.gitlab("glpat-")),
        "gitlab-runner-token": ("CI_RUNNER_TOKEN", lambda: g.gitlab("glrt-")),
        "gitlab-deploy-token": ("GITLAB_DEPLOY_TOKEN", lambda: g.gitlab("gldt-")),
        "npm-token": ("NPM_TOKEN", lambda: g.crc_token("npm_")),
        "pypi-token": ("PYPI_API_TOKEN", g.pypi),
        "rubygems-token": ("GEM_HOST_API_KEY", g.rubygems),
        "nuget-api-key": ("NUGET_API_KEY", g.nuget),
        "dockerhub-pat": ("DOCKERHUB_TOKEN", g.dockerhub),
        "codecov-token": ("CODECOV_TOKEN", g.uuid),
        "slack-bot-token": ("SLACK_BOT_TOKEN", g.slack_bot),
        "slack-user-token": ("SLACK_USER_TOKEN", g.slack_user),
        "slack-webhook": ("SLACK_WEBHOOK_URL", g.slack_webhook),
        "discord-bot-token": ("DISCORD_BOT_TOKEN", g.discord_bot),
        "discord-webhook": ("DISCORD_WEBHOOK_URL", g.discord_webhook),
        "teams-webhook": ("TEAMS_WEBHOOK_URL", g.teams_webhook),
        "stripe-secret-key": ("STRIPE_SECRET_KEY", g.stripe),
        "square-token": ("SQUARE_ACCESS_TOKEN", g.square),
        "braintree-token": ("BRAINTREE_ACCESS_TOKEN", g.braintree),
        "twilio-api-key": ("TWILIO_API_KEY", g.twilio),
        "sendgrid-api-key": ("SENDGRID_API_KEY", g.sendgrid),
        "mailgun-api-key": ("MAILGUN_API_KEY", g.mailgun),
        "mailchimp-api-key": ("MAILCHIMP_API_KEY", g.mailchimp),
        "shopify-token": ("SHOPIFY_ACCESS_TOKEN", g.shopify),
        "atlassian-api-token": ("JIRA_API_TOKEN", g.atlassian),
        "okta-api-token": ("OKTA_API_TOKEN", g.okta),
        "vault-token": ("VAULT_TOKEN", g.vault),
        "terraform-cloud-token": ("TFE_TOKEN", g.terraform),
        "databricks-token": ("DATABRICKS_TOKEN", g.databricks),
        "openai-api-key": ("OPENAI_API_KEY", g.openai),
        "anthropic-api-key": ("ANTHROPIC_API_KEY", g.anthropic),
        "huggingface-token": ("HF_TOKEN", g.huggingface),
        "digitalocean-token": ("DIGITALOCEAN_TOKEN", g.digitalocean),
        "grafana-token": ("GRAFANA_SERVICE_ACCOUNT_TOKEN", g.grafana),
        "newrelic-api-key": ("NEW_RELIC_API_KEY", g.newrelic),
        "linear-api-key": ("LINEAR_API_KEY", g.linear),
        "postman-api-key": ("POSTMAN_API_KEY", g.postman),
        "pulumi-token": ("PULUMI_ACCESS_TOKEN", g.pulumi),
        "doppler-token": ("DOPPLER_TOKEN", g.doppler),
        "planetscale-token": ("PLANETSCALE_SERVICE_TOKEN", g.planetscale),
        "age-secret-key": ("SOPS_AGE_KEY", g.age),
        "alibaba-access-key-id": ("ALIBABA_CLOUD_ACCESS_KEY_ID", g.alibaba),
        "sentry-token": ("SENTRY_AUTH_TOKEN", g.sentry),
        "jwt": ("AUTH_BEARER_TOKEN", g.jwt),
        "generic-password": (None, g.password),
    }


KEY_KINDS = ["private-key-rsa", "private-key-pkcs8", "private-key-ec", "private-key-dsa", "private-key-openssh",
             "private-key-pgp"]
GENERIC_NAMES = ["password", "db_password", "DB_PASSWORD", "secret_key", "api_key", "apiKey", "client_secret",
                 "auth_token", "SMTP_PASSWORD", "access_token", "ADMIN_PASSWORD", "signing_secret"]


# ---------------------------------------------------------------- filler: per-language block templates

WORDS = ["order", "invoice", "customer", "payment", "cart", "user", "session", "report", "export", "metric", "queue",
         "cache", "shipment", "ledger", "account", "catalog", "price", "refund", "audit", "profile", "region", "batch",
         "stock", "vendor_id", "coupon", "receipt", "warehouse", "route", "schedule", "tenant", "billing", "upload"]
WORDS = [w for w in WORDS if w != "vendor_id"]  # "vendor" paths are allowlisted by Trivy; keep it out of names

FILLER = {
    "py": ["def {a}_{b}(self, {c}, limit={n}):\n    \"\"\"Return the {b} rows of a {a} for {c}.\"\"\"\n    rows = self.db.query({A}{B}).filter_by({c}_id={c}.id).limit(limit)\n    if not rows:\n        log.debug(\"no {b} for %s\", {c})\n        return []\n    return [r.to_dict() for r in rows]\n",
           "class {A}{B}Service:\n    def __init__(self, repo, retries={n}):\n        self.repo = repo\n        self.retries = retries\n\n    def run(self, items):\n        for item in items:\n            self.repo.save(item, batch={n})\n",
           "import logging\nimport json\nfrom {a}.{b} import {A}{B}, {C}\n\nlog = logging.getLogger(__name__)\n",
           "    total = sum(x.amount for x in {a}_items)  # {w} {w2} {w3}\n    result[\"{b}\"] = round(total * {n}.0 / 100, 2)\n"],
    "js": ["export async function {a}{B}({c}, opts = {{}}) {{\n  const res = await fetch(`/api/{a}/${{{c}.id}}/{b}?limit={n}`);\n  if (!res.ok) throw new Error('{a} {b} failed: ' + res.status);\n  return (await res.json()).items.map((x) => ({{ ...x, {c}: {c}.id }}));\n}}\n",
           "const {a}{B}Reducer = (state = initial{A}, action) => {{\n  switch (action.type) {{\n    case '{A}_{B}_LOADED':\n      return {{ ...state, {b}: action.payload, count: {n} }};\n    default:\n      return state;\n  }}\n}};\n",
           "import {{ {A}{B} }} from './{a}/{b}';\nimport {C} from '../{c}';\n",
           "  // {w} {w2} {w3}: keep the {b} list in sync with the {a} view\n  items.sort((x, y) => x.{b} - y.{b});\n"],
    "go": ["func (s *{A}Store) {B}By{C}(ctx context.Context, id int64) ([]{B}, error) {{\n\trows, err := s.db.QueryContext(ctx, \"SELECT id, {b} FROM {a} WHERE {c}_id = $1 LIMIT {n}\", id)\n\tif err != nil {{\n\t\treturn nil, fmt.Errorf(\"{a} {b}: %w\", err)\n\t}}\n\tdefer rows.Close()\n\treturn scan{B}(rows)\n}}\n",
           "type {A}{B} struct {{\n\tID    int64  `json:\"id\"`\n\t{C}   string `json:\"{c}\"`\n\tCount int    `json:\"count\"`\n}}\n",
           "\t// {w} {w2} {w3}\n\tfor i := 0; i < {n}; i++ {{\n\t\tout = append(out, {a}[i].{C})\n\t}}\n"],
    "java": ["    public List<{A}{B}> find{B}By{C}(long {c}Id) {{\n        List<{A}{B}> out = new ArrayList<>();\n        for ({A}{B} x : repository.findAll{A}()) {{\n            if (x.get{C}Id() == {c}Id && out.size() < {n}) {{\n                out.add(x);\n            }}\n        }}\n        return out;\n    }}\n",
             "    /** {w} {w2} {w3} for the {a} {b}. */\n    private final {A}{B}Repository {a}{B}Repository;\n",
             "import com.acme.{a}.{A}{B};\nimport java.util.List;\n"],
    "cs": ["        public async Task<IList<{A}{B}>> Get{B}Async(int {c}Id)\n        {{\n            var items = await _context.{A}{B}s.Where(x => x.{C}Id == {c}Id).Take({n}).ToListAsync();\n            _logger.LogDebug(\"{a} {b}: {{Count}}\", items.Count);\n            return items;\n        }}\n",
           "        // {w} {w2} {w3}\n        public int {B}Count {{ get; set; }} = {n};\n"],
    "rb": ["  def {a}_{b}({c}, limit: {n})\n    {A}{B}.where({c}_id: {c}.id).order(created_at: :desc).limit(limit).map(&:as_json)\n  end\n",
           "  has_many :{b}s, dependent: :destroy  # {w} {w2}\n  validates :{c}, presence: true\n"],
    "php": ["    public function {a}{B}(int ${c}Id, int $limit = {n}): array\n    {{\n        $rows = $this->db->select('{a}', ['{c}_id' => ${c}Id], $limit);\n        return array_map(fn($r) => new {A}{B}($r), $rows);\n    }}\n",
            "    // {w} {w2} {w3}\n    private ${b}Count = {n};\n"],
    "yml": ["  {a}-{b}:\n    runs-on: ubuntu-22.04\n    steps:\n      - uses: actions/checkout@v4\n      - name: {A} {b}\n        run: make {a}-{b} JOBS={n}\n",
            "      - name: cache {c}\n        uses: actions/cache@v4\n        with:\n          path: ~/.cache/{c}\n          key: {c}-${{{{ hashFiles('**/{b}.lock') }}}}\n"],
    "env": ["{A2}_{B2}_LIMIT={n}\n", "{A2}_HOST={a}.internal.acme.io\n", "LOG_LEVEL=info\n{A2}_ENABLED=true\n"],
    "dockerfile": ["RUN apt-get update && apt-get install -y --no-install-recommends {a}-tools curl ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\n",
                   "COPY {a}/ /srv/{a}/\nWORKDIR /srv/{a}\nRUN make {b} -j{n}\n", "ENV {A2}_PORT={n}\nEXPOSE {n}\n"],
    "tf": ["resource \"aws_s3_bucket\" \"{a}_{b}\" {{\n  bucket = \"acme-{a}-{b}-{n}\"\n  tags = {{\n    Team = \"{c}\"\n  }}\n}}\n",
           "variable \"{a}_{b}_count\" {{\n  type    = number\n  default = {n}\n  description = \"{w} {w2} {w3}\"\n}}\n"],
    "json": ["  \"{a}{B}\": {{ \"enabled\": true, \"limit\": {n}, \"{c}\": \"{w}\" }},\n", "  \"{a}_{b}_url\": \"https://{a}.acme.io/{b}\",\n",
             "  \"{b}\": [{n}, {n2}, {n3}],\n"],
    "sh": ["{a}_{b}() {{\n  local dir=\"$1\"\n  find \"$dir\" -name '*.{b}' -mtime +{n} -print0 | xargs -0 -r rm -f\n  echo \"cleaned {a} {b} in $dir\"\n}}\n",
           "# {w} {w2} {w3}\nif [[ -z \"${{{A2}_DIR:-}}\" ]]; then\n  {A2}_DIR=/var/lib/{a}\nfi\n"],
    "properties": ["{a}.{b}.limit={n}\n{a}.{b}.enabled=true\n", "spring.{a}.{b}-url=https://{a}.acme.io/{b}\n", "# {w} {w2} {w3}\n"],
    "md": ["## {A} {b}\n\nThe {a} service keeps {b} records for each {c}. Lorem ipsum dolor sit amet, consectetur adipiscing elit,\nsed do eiusmod tempor incididunt ut labore et dolore magna aliqua ({n} items per page).\n\n",
           "```sh\nmake {a}-{b}\n./scripts/{a}.sh --{b} {n}\n```\n\n", "- `{a}_{b}`: {w} {w2} {w3}\n"],
}
FILLER["ts"] = FILLER["js"]
# How each language writes an assignment of a string: {v} value, {V} UPPER_NAME, {c} camelName, {P} PascalName.
ASSIGN = {
    "py": ["{V} = \"{v}\"", "    {c} = os.environ.get(\"{V}\", \"{v}\")", "client = make_client(token=\"{v}\")"],
    "js": ["const {c} = \"{v}\";", "  {c}: '{v}',", "process.env.{V} = process.env.{V} || \"{v}\";"],
    "ts": ["export const {V}: string = \"{v}\";", "  private readonly {c} = '{v}';"],
    "go": ["const {c} = \"{v}\"", "\tos.Setenv(\"{V}\", \"{v}\")"],
    "java": ["    private static final String {V} = \"{v}\";", "        props.put(\"{c}\", \"{v}\");"],
    "cs": ["        private const string {P} = \"{v}\";", "            Environment.SetEnvironmentVariable(\"{V}\", \"{v}\");"],
    "rb": ["  {V} = '{v}'", "ENV['{V}'] ||= '{v}'"],
    "php": ["define('{V}', '{v}');", "    $config['{c}'] = '{v}';"],
    "yml": ["      {V}: {v}", "          {V}: \"{v}\""],
    "env": ["{V}={v}", "{V}=\"{v}\""],
    "dockerfile": ["ENV {V}={v}", "ARG {V}={v}"],
    "tf": ["  {l} = \"{v}\""],
    "json": ["  \"{c}\": \"{v}\","],
    "sh": ["export {V}=\"{v}\"", "{V}='{v}'"],
    "properties": ["{d}={v}"],
    "md": ["    export {V}={v}"],
}
# File types: (type, weight, path pattern, max size in KiB or 0 for the global maximum).
TYPES = [("py", 14, "src/{a}/{b}_{i}.py", 0), ("js", 8, "web/src/{a}/{b}{i}.js", 0), ("ts", 7, "web/app/{a}/{b}{i}.ts", 0),
         ("go", 9, "internal/{a}/{b}_{i}.go", 0), ("java", 9, "service/src/main/java/com/acme/{a}/{A}{B}{i}.java", 0),
         ("cs", 5, "dotnet/Acme.{A}/{A}{B}{i}.cs", 0), ("rb", 5, "app/models/{a}/{b}_{i}.rb", 0),
         ("php", 5, "php/src/{A}/{B}{i}.php", 0), ("yml", 6, ".github/workflows/{a}-{b}-{i}.yml", 40),
         ("env", 5, "deploy/{a}-{i}/.env", 6), ("dockerfile", 4, "images/{a}-{b}-{i}/Dockerfile", 8),
         ("tf", 5, "infra/{a}/{b}_{i}.tf", 60), ("json", 6, "config/{a}/{b}-{i}.json", 0),
         ("sh", 4, "scripts/{a}/{b}_{i}.sh", 40), ("properties", 3, "service/src/main/resources/{a}-{i}.properties", 30),
         ("md", 5, "docs/{a}/{b}-{i}.md", 0)]
KEY_TYPES = {"py", "js", "ts", "rb", "yml", "sh", "md", "json"}
COMMENT = {"py": "#", "rb": "#", "sh": "#", "yml": "#", "env": "#", "dockerfile": "#", "tf": "#", "properties": "#",
           "js": "//", "ts": "//", "go": "//", "java": "//", "cs": "//", "php": "//", "md": "", "json": None}

# Kinds whose pattern needs a keyword beside the value (the variable name gives it).
CONTEXT_KINDS = {"aws-secret-access-key", "codecov-token", "mailgun-api-key", "mailchimp-api-key", "okta-api-token",
                 "twilio-api-key", "generic-password", "azure-storage-key", "alibaba-access-key-id", "discord-bot-token"}
DOC_EXAMPLES = [  # documented example credentials, published by the vendors themselves
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("aws_access_key_id", "AKIAI44QH8DHBEXAMPLE"), ("aws_secret_access_key", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
    ("STRIPE_SECRET_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"), ("GH_OAUTH_TOKEN", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("AUTH_BEARER_TOKEN", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
    ("SLACK_BOT_TOKEN", "xoxb-not-a-real-token-this-will-not-work"),
]
PLACEHOLDERS = [
    ("API_KEY", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), ("GITHUB_TOKEN", "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
    ("STRIPE_SECRET_KEY", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"), ("API_TOKEN", "<token>"), ("DB_PASSWORD", "${DB_PASSWORD}"),
    ("ADMIN_PASSWORD", "changeme"), ("OPENAI_API_KEY", "your-api-key-here"), ("SECRET_KEY", "{{ .Values.secretKey }}"),
    ("CLIENT_SECRET", "<YOUR_CLIENT_SECRET>"), ("password", "********"), ("SMTP_PASSWORD", "REPLACE_ME"),
    ("DATABASE_URL", "postgres://user:password@localhost:5432/app"), ("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db:5432/app"),
    ("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/TXXXXXXXX/BXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX"),
    ("NPM_TOKEN", "${{ secrets.NPM_TOKEN }}"), ("AWS_SECRET_ACCESS_KEY", "${AWS_SECRET_ACCESS_KEY}"),
    ("api_key", "os.environ['API_KEY']"), ("PRIVATE_KEY_PATH", "/run/secrets/private_key.pem"),
]


def names(base):
    parts = base.lower().split("_")
    camel = parts[0] + "".join(p.capitalize() for p in parts[1:])
    return {"V": base.upper(), "c": camel, "P": camel[0].upper() + camel[1:], "l": base.lower(), "d": ".".join(parts)}


class Corpus:
    def __init__(self, args):
        self.a = args
        self.r = random.Random(args.seed)
        self.g = Gen(self.r)
        self.kinds = single_kinds(self.g)
        self.truth = []
        self.pools = {t: [self.render_block(t) for _ in range(300)] for t in FILLER}
        self.used = set()
        self.bytes = 0

    def fill(self, tmpl):
        w = self.r.sample(WORDS, 6)
        return tmpl.format(a=w[0], b=w[1], c=w[2], A=w[0].capitalize(), B=w[1].capitalize(), C=w[2].capitalize(),
                           A2=w[0].upper(), B2=w[1].upper(), w=w[3], w2=w[4], w3=w[5], n=self.r.randint(2, 500),
                           n2=self.r.randint(2, 500), n3=self.r.randint(2, 500), i=self.r.randint(0, 10**6))

    def render_block(self, t):
        return self.fill(self.r.choice(FILLER[t])).splitlines()

    def path(self, pattern):
        while True:
            p = self.fill(pattern)
            if p not in self.used:
                self.used.add(p)
                return p

    def size(self, cap_kib):
        lo, hi = math.log(self.a.min_kb * 1024), math.log(self.a.max_kb * 1024)
        n = math.exp(self.r.uniform(lo, hi)) if self.r.random() < 0.6 else self.r.uniform(20, self.a.max_kb) * 1024
        return int(min(n, cap_kib * 1024)) if cap_kib else int(n)

    def assign(self, t, var, value, context):
        tmpls = ASSIGN[t]
        if context:
            tmpls = [x for x in tmpls if "{v}" in x and any(k in x for k in ("{V}", "{c}", "{P}", "{l}", "{d}"))] or tmpls
        return self.r.choice(tmpls).format(v=value, **names(var))

    # A plant: (lines, [(offset in lines, end offset, kind, secret, expected)])
    def secret_plant(self, t):
        kind = self.r.choice(list(self.kinds) + KEY_KINDS * 2 + ["db-url"] * 4 + ["generic-password"] * 4)
        if kind in KEY_KINDS:
            if t not in KEY_TYPES:
                kind = "github-pat"
            else:
                return self.key_plant(t, kind)
        if kind == "db-url":
            url, pw = self.g.db_url()
            return [self.assign(t, "DATABASE_URL", url, True)], [(0, 0, "url-password", pw, True)]
        var, gen = self.kinds[kind]
        secret = gen()
        value = secret
        if kind == "generic-password":
            var = self.r.choice(GENERIC_NAMES)
        elif kind == "azure-storage-key":
            value = f"DefaultEndpointsProtocol=https;AccountName=acme{self.r.choice(WORDS)};AccountKey={secret};EndpointSuffix=core.windows.net"
        elif kind == "azure-sas-token":
            value = f"https://acmeprod.blob.core.windows.net/{self.r.choice(WORDS)}?{secret}"
        lines = [self.assign(t, var, value, kind in CONTEXT_KINDS)]
        items = [(0, 0, kind, secret, True)]
        if kind == "aws-access-key-id" and self.r.random() < 0.7:
            pair = self.g.aws_secret()
            lines.append(self.assign(t, "AWS_SECRET_ACCESS_KEY", pair, True))
            items.append((1, 1, "aws-secret-access-key", pair, True))
        return lines, items

    def key_plant(self, t, kind):
        block = key_block(self.r, kind)
        secret = "\n".join(block)
        n = len(block)
        if t == "json":
            return ["  \"privateKey\": " + json.dumps(secret + "\n") + ","], [(0, 0, kind, secret, True)]
        if t == "py":
            return ["SIGNING_KEY = \"\"\"" + block[0], *block[1:], "\"\"\""], [(0, n - 1, kind, secret, True)]
        if t in ("js", "ts"):
            return ["const signingKey = `" + block[0], *block[1:-1], block[-1] + "`;"], [(0, n - 1, kind, secret, True)]
        if t == "rb":
            return ["  SIGNING_KEY = <<~PEM", *["    " + x for x in block], "  PEM"], [(1, n, kind, secret, True)]
        if t == "yml":
            return ["          SSH_PRIVATE_KEY: |", *["            " + x for x in block]], [(1, n, kind, secret, True)]
        if t == "sh":
            return ["cat > \"$HOME/.ssh/id_deploy\" <<'EOF'", *block, "EOF"], [(1, n, kind, secret, True)]
        return ["```", *block, "```"], [(1, n, kind, secret, True)]  # md

    def decoy_plant(self, t, in_tests):
        g = self.g
        choice = self.r.random()
        if in_tests and choice < 0.5:
            if self.r.random() < 0.5:  # a real-looking token inside a test fixture: allowlisted by path
                kind = self.r.choice(["github-pat", "stripe-secret-key", "slack-bot-token", "npm-token", "sendgrid-api-key"])
                var, gen = self.kinds[kind]
                v = gen()
                return [self.assign(t, var, v, False)], [(0, 0, "decoy-test-fixture-token", v, False)]
            v = g.s(ALNUM, self.r.randint(24, 40))
            return [self.assign(t, "FIXTURE_ID", v, True)], [(0, 0, "decoy-test-fixture-id", v, False)]
        if choice < 0.15:
            var, v = self.r.choice(DOC_EXAMPLES)
            return [self.assign(t, var, v, True)], [(0, 0, "decoy-doc-example", v, False)]
        if choice < 0.35:
            var, v = self.r.choice(PLACEHOLDERS)
            return [self.assign(t, var, v, True)], [(0, 0, "decoy-placeholder", v, False)]
        if choice < 0.50:
            v = self.r.choice([g.s(HEX, 40), g.s(HEX, 64), "sha512-" + base64.b64encode(self.r.randbytes(64)).decode(),
                               "sha256:" + g.s(HEX, 64), g.s(HEX, 32)])
            var = self.r.choice(["COMMIT_SHA", "sha256sum", "checksum", "integrity", "image_digest", "etag", "git_rev"])
            return [self.assign(t, var, v, True)], [(0, 0, "decoy-hash", v, False)]
        if choice < 0.60:
            v = g.uuid()
            var = self.r.choice(["request_id", "trace_id", "tenant_id", "correlation_id", "job_uuid"])
            return [self.assign(t, var, v, True)], [(0, 0, "decoy-uuid", v, False)]
        if choice < 0.68:
            v = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + self.r.randbytes(self.r.randint(300, 3000))).decode()
            return [self.assign(t, "logo_png", v, True)], [(0, 0, "decoy-base64-image", v, False)]
        if choice < 0.82:
            prefix = self.r.choice(["ghp_", "gho_", "npm_", "ghs_"])
            v = g.crc_token(prefix, broken=True)
            var = "NPM_TOKEN" if prefix == "npm_" else "GITHUB_TOKEN"
            return [self.assign(t, var, v, False)], [(0, 0, "decoy-bad-checksum", v, False)]
        c = COMMENT.get(t)
        v = "the secret to a good token bucket: lorem ipsum dolor sit amet, password rotation consectetur adipiscing"
        if c is None:
            return ["  \"_comment\": \"" + v + "\","], [(0, 0, "decoy-lorem", v, False)]
        return [(c + " " if c else "") + v], [(0, 0, "decoy-lorem", v, False)]

    def special_file(self):
        """Whole-file credentials: GCP service-account JSON, PEM key files, .npmrc, AWS credentials."""
        g, r = self.g, self.r
        pick = r.random()
        w = r.choice(WORDS)
        if pick < 0.35:
            block = key_block(r, "private-key-pkcs8")
            key = "\n".join(block) + "\n"
            proj = f"acme-{w}-{r.randint(100000, 999999)}"
            doc = {"type": "service_account", "project_id": proj, "private_key_id": g.s(HEX, 40), "private_key": key,
                   "client_email": f"{w}-runner@{proj}.iam.gserviceaccount.com", "client_id": str(r.randint(10**20, 10**21 - 1)),
                   "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
                   "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                   "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{w}-runner%40{proj}.iam.gserviceaccount.com",
                   "universe_domain": "googleapis.com"}
            lines = json.dumps(doc, indent=2).splitlines()
            return self.path("deploy/{a}-{i}/gcp-" + w + "-sa.json"), lines, [(0, len(lines) - 1, "gcp-service-account", key, True)]
        if pick < 0.75:
            kind = r.choice(KEY_KINDS)
            block = key_block(r, kind)
            name = {"private-key-rsa": r.choice(["id_rsa", "server.key"]), "private-key-pkcs8": r.choice(["tls.key", "deploy.pem"]),
                    "private-key-ec": "ec-signing.pem", "private-key-dsa": "id_dsa", "private-key-openssh": "id_ed25519",
                    "private-key-pgp": "release-signing-key.asc"}[kind]
            return self.path("deploy/{a}-{i}/keys/" + name), block, [(0, len(block) - 1, kind, "\n".join(block), True)]
        if pick < 0.88:
            tok = g.crc_token("npm_")
            lines = ["registry=https://registry.npmjs.org/", f"//registry.npmjs.org/:_authToken={tok}", "always-auth=true"]
            return self.path("web/{a}-{i}/.npmrc"), lines, [(1, 1, "npm-token", tok, True)]
        kid, sec = g.aws_key_id(), g.aws_secret()
        lines = ["[default]", f"aws_access_key_id = {kid}", f"aws_secret_access_key = {sec}", "region = eu-west-1"]
        return self.path("deploy/{a}-{i}/aws/credentials"), lines, [(1, 1, "aws-access-key-id", kid, True),
                                                                   (2, 2, "aws-secret-access-key", sec, True)]

    def source_file(self):
        t, _, pattern, cap = self.r.choices(TYPES, weights=[x[1] for x in TYPES])[0]
        in_tests = self.r.random() < 0.06
        if in_tests:
            ext = pattern.rsplit(".", 1)[-1] if "." in pattern.rsplit("/", 1)[-1] else ""
            pattern = self.r.choice(["tests/fixtures/{a}/{b}_{i}", "web/src/__tests__/{a}{i}", "internal/{a}/testdata/{b}_{i}"])
            pattern += ("." + ext) if ext else "/Dockerfile" if t == "dockerfile" else "/.env"
        target = self.size(cap)
        pool = self.pools[t]
        blocks, n = [], 0
        while n < target:
            b = self.r.choice(pool)
            blocks.append(b)
            n += sum(len(x) + 1 for x in b)
        plants = []
        for _ in range(self.r.choices([0, 1, 2, 3, 4], weights=[35, 30, 18, 10, 7])[0] * (1 if self.r.random() < self.a.density else 0)):
            if in_tests or self.r.random() < 0.45:
                plants.append(self.decoy_plant(t, in_tests))
            else:
                plants.append(self.secret_plant(t))
        head = {"php": ["<?php", ""], "json": ["{"], "java": ["package com.acme.app;", ""], "sh": ["#!/usr/bin/env bash", "set -euo pipefail"],
                "dockerfile": ["FROM debian:bookworm-slim"]}.get(t, [])
        tail = {"json": ["  \"_generated\": true", "}"]}.get(t, [])
        positions = sorted(self.r.randint(0, len(blocks)) for _ in plants)
        lines, items = list(head), []
        bi = 0
        for pos, (plines, pitems) in zip(positions, plants):
            while bi < pos:
                lines.extend(blocks[bi])
                bi += 1
            base = len(lines)
            lines.extend(plines)
            items.extend((base + s, base + e, k, sec, exp) for s, e, k, sec, exp in pitems)
        for b in blocks[bi:]:
            lines.extend(b)
        lines.extend(tail)
        return self.path(pattern), lines, items

    def write(self, rel, lines, items):
        full = os.path.join(self.a.out, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        data = ("\n".join(lines) + "\n").encode()
        with open(full, "wb") as f:
            f.write(data)
        self.bytes += len(data)
        for s, e, kind, secret, expected in items:
            self.truth.append({"path": rel, "line": s + 1, "end_line": e + 1, "kind": kind,
                               "secret_sha256": hashlib.sha256(secret.encode()).hexdigest(), "expected": expected})

    def run(self):
        for _ in range(self.a.files):
            self.write(*(self.special_file() if self.r.random() < 0.02 else self.source_file()))
        with open(os.path.join(self.a.out, ".truth.jsonl"), "w") as f:
            for t in self.truth:
                f.write(json.dumps(t, sort_keys=True) + "\n")
        meta = {"seed": self.a.seed, "files": self.a.files, "bytes": self.bytes,
                "planted": sum(t["expected"] for t in self.truth), "decoys": sum(not t["expected"] for t in self.truth),
                "kinds": sorted({t["kind"] for t in self.truth if t["expected"]})}
        with open(os.path.join(self.a.out, ".corpus.json"), "w") as f:
            json.dump(meta, f, indent=1)
        return meta


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    p.add_argument("--files", type=int, default=5000)
    p.add_argument("--min-kb", type=float, default=1, help="smallest file (KiB), default 1")
    p.add_argument("--max-kb", type=float, default=200, help="largest file (KiB), default 200; scales the total size")
    p.add_argument("--density", type=float, default=1.0, help="share of files that may get plants (0-1)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    a = p.parse_args()
    if os.path.exists(a.out):
        if not a.force and os.listdir(a.out):
            sys.exit(f"{a.out} exists and is not empty (use --force)")
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    meta = Corpus(a).run()
    print(f"{a.out}: {meta['files']} files, {meta['bytes'] / 2**20:.1f} MiB, {meta['planted']} secrets "
          f"({len(meta['kinds'])} kinds), {meta['decoys']} decoys")


if __name__ == "__main__":
    main()
