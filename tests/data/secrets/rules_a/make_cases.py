#!/usr/bin/env python3
"""Writes cases.tsv and the sample files next to it: fake, format-valid credentials for the cloud, vcs,
registry and chat secret rules (never real ones). Deterministic (fixed seed): rerun after editing.

cases.tsv columns: rule id, '+' (the rule must report exactly the expected secret) or '-' (it must report
nothing), expected secret, text (\\n and \\t escaped) or @file (a sample file in this folder)."""
import base64
import os
import random
import string
import zlib

R = random.Random(20240605)
HERE = os.path.dirname(os.path.abspath(__file__))
ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64 = ALNUM + "+/"
URL64 = ALNUM + "_-"
HEX = "0123456789abcdef"
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
B32 = string.ascii_uppercase + "234567"


def rnd(alphabet, n):
    return "".join(R.choice(alphabet) for _ in range(n))


def uuid():
    h = rnd(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def crc_token(prefix):
    body = rnd(ALNUM, 30)
    crc = zlib.crc32(body.encode())
    tail = ""
    for _ in range(6):
        tail = B62[crc % 62] + tail
        crc //= 62
    return prefix + body + tail


def bad_crc(token):
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


cases = []


def pos(rule, secret, text):
    assert secret in text or text.startswith("@"), (rule, text)
    cases.append((rule, "+", secret, text))


def neg(rule, text):
    cases.append((rule, "-", "", text))


def sample(name, content):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(content)
    return "@" + name


# ---------------------------------------------------------------- cloud
akid = "AKIA" + rnd(B32, 16)
asia = "ASIA" + rnd(B32, 16)
aws_secret = rnd(B64, 40)
session = "FwoGZXIvYXdzE" + rnd(B64, 300)
pos("aws-access-key-id", asia, f"export AWS_ACCESS_KEY_ID={asia}")
neg("aws-access-key-id", "aws_access_key_id = AKIA" + rnd(B32, 12))  # too short
neg("aws-access-key-id", "id: AKIA" + rnd(B32, 15) + "1")  # 1 is not base32
neg("aws-access-key-id", "ref=XAKIA" + rnd(B32, 16))  # inside a longer word
pos("aws-secret-access-key", aws_secret, f'  secretAccessKey: "{aws_secret}",')
pos("aws-secret-access-key", aws_secret, f"AWS_SECRET_ACCESS_KEY={aws_secret}")
neg("aws-secret-access-key", "aws_secret_access_key = " + "x" * 40)  # placeholder: entropy
neg("aws-secret-access-key", "aws_secret_access_key = " + rnd(B64, 41))  # 41 chars
neg("aws-secret-access-key", "some_random_value = " + aws_secret)  # no context
creds = sample("aws-credentials", f"""[default]
aws_access_key_id = {akid}
aws_secret_access_key = {aws_secret}
region = eu-west-1

[ci]
aws_access_key_id = {asia}
aws_secret_access_key = {rnd(B64, 40)}
aws_session_token = {session}
""")
pos("aws-access-key-id", akid, creds)
pos("aws-secret-access-key", aws_secret, creds)
pos("aws-session-token", session, creds)
neg("aws-session-token", "aws_session_token = " + rnd(B64, 60))  # too short
neg("aws-session-token", "AWS_SESSION_TOKEN=${AWS_SESSION_TOKEN}")
mws = "amzn.mws." + uuid()
pos("aws-mws-key", mws, f'mws_auth_token: "{mws}"')
neg("aws-mws-key", "mws_auth_token: amzn.mws." + rnd(HEX, 32))  # not a UUID

gcp_key_id = rnd(HEX, 40)
sa = sample("gcp-service-account.json", f"""{{
  "type": "service_account",
  "project_id": "vigil-ci-417309",
  "private_key_id": "{gcp_key_id}",
  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n",
  "client_email": "ci-deployer@vigil-ci-417309.iam.gserviceaccount.com",
  "client_id": "104815046371938462521",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}}
""")
pos("gcp-service-account", gcp_key_id, sa)
neg("gcp-service-account", f'{{"private_key_id": "{rnd(HEX, 40)}", "client_email": "a@b.iam.gserviceaccount.com"}}')
aiza = "AIza" + rnd(URL64, 35)
pos("gcp-api-key", aiza, f'<string name="google_api_key">{aiza}</string>')
neg("gcp-api-key", "apiKey: AIza" + rnd(URL64, 30))  # too short
neg("gcp-api-key", "apiKey: AIza" + "x" * 35)  # placeholder
gocspx = "GOCSPX-" + rnd(URL64, 28)
pos("gcp-oauth-client-secret", gocspx, f'"client_secret":"{gocspx}"')
neg("gcp-oauth-client-secret", "client_secret: GOCSPX-" + rnd(URL64, 20))
ya29 = "ya29.a0" + rnd(URL64, 150)
pos("gcp-oauth-access-token", ya29, f"Authorization: Bearer {ya29}")
neg("gcp-oauth-access-token", "token=ya29." + rnd(URL64, 20))

account_key = rnd(B64, 86) + "=="
pos("azure-storage-account-key", account_key,
    f"DefaultEndpointsProtocol=https;AccountName=vigilstore;AccountKey={account_key};EndpointSuffix=core.windows.net")
pos("azure-storage-account-key", account_key, f'AZURE_STORAGE_ACCOUNT_KEY="{account_key}"')
neg("azure-storage-account-key", "AccountKey=" + rnd(B64, 80) + "==")
neg("azure-storage-account-key", "AccountKey=" + "A" * 86 + "==")
sig = rnd(ALNUM, 40) + "%2B" + rnd(ALNUM, 2) + "%3D"
sas = ("https://vigilstore.blob.core.windows.net/releases/app.tar.gz?sv=2022-11-02&ss=b&srt=sco&sp=rl"
       f"&se=2031-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig={sig}")
pos("azure-sas-token", sig, f'url = "{sas}"')
neg("azure-sas-token", "?sv=2022-11-02&ss=b&srt=sco&sp=rl&sig=<signature>")
neg("azure-sas-token", "query: sp=r&sig=" + rnd(ALNUM, 43) + "%3D")  # no sv=
client_secret = rnd(ALNUM, 3) + "8Q~" + rnd(ALNUM + "_~.-", 34)
pos("azure-ad-client-secret", client_secret, f'AZURE_CLIENT_SECRET="{client_secret}"')
neg("azure-ad-client-secret", "AZURE_CLIENT_SECRET=" + rnd(ALNUM, 3) + "8Q~" + rnd(ALNUM, 12))
sak = rnd(B64, 43) + "="
pos("azure-shared-access-key", sak,
    f"Endpoint=sb://vigil-events.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={sak}")
neg("azure-shared-access-key", "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${SB_KEY}")

for rule, prefix in (("digitalocean-pat", "dop_v1_"), ("digitalocean-oauth-token", "doo_v1_"),
                     ("digitalocean-refresh-token", "dor_v1_")):
    tok = prefix + rnd(HEX, 64)
    pos(rule, tok, f'DIGITALOCEAN_TOKEN: "{tok}"')
    neg(rule, "DIGITALOCEAN_TOKEN: " + prefix + rnd(HEX, 60))
    neg(rule, "DIGITALOCEAN_TOKEN: " + prefix + rnd(HEX.upper(), 64))

ltai = "LTAI" + rnd(ALNUM, 20)
pos("alibaba-access-key-id", ltai, f"access_key_id: {ltai}")
neg("alibaba-access-key-id", "access_key_id: LTAI" + rnd(ALNUM, 8))
ali_secret = rnd(ALNUM, 30)
pos("alibaba-secret-key", ali_secret, f"ALIBABA_CLOUD_ACCESS_KEY_SECRET={ali_secret}")
pos("alibaba-secret-key", ali_secret, f'  "AccessKeySecret": "{ali_secret}",')
neg("alibaba-secret-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + rnd(ALNUM, 28))
neg("alibaba-secret-key", "ALIBABA_CLOUD_REGION=" + rnd(ALNUM, 30))
akid_tc = "AKID" + rnd(ALNUM, 32)
pos("tencent-cloud-secret-id", akid_tc, f"secret_id = \"{akid_tc}\"")
neg("tencent-cloud-secret-id", "secret_id = \"AKID" + rnd(ALNUM, 20) + "\"")
ibm = rnd(URL64, 44)
pos("ibm-cloud-api-key", ibm, f"IBMCLOUD_API_KEY={ibm}")
pos("ibm-cloud-api-key", ibm, f"ibmcloud_api_key: '{ibm}'")
neg("ibm-cloud-api-key", "IBMCLOUD_API_KEY=" + rnd(URL64, 30))
heroku = uuid()
pos("heroku-api-key", heroku, f"HEROKU_API_KEY={heroku}")
neg("heroku-api-key", f"REQUEST_ID={heroku}")
hrku = "HRKU-AA" + rnd(URL64, 58)
pos("heroku-api-key-v2", hrku, f"heroku_token = '{hrku}'")
neg("heroku-api-key-v2", "heroku_token = 'HRKU-AA" + rnd(URL64, 30) + "'")
linode = rnd(HEX, 64)
pos("linode-pat", linode, f"LINODE_CLI_TOKEN={linode}")
neg("linode-pat", f"SHA256_CHECKSUM={linode}")
scw = uuid()
pos("scaleway-secret-key", scw, f"SCW_SECRET_KEY={scw}")
neg("scaleway-secret-key", f"SCW_DEFAULT_PROJECT_ID={scw}")
cf_token = rnd(URL64, 40)
pos("cloudflare-api-token", cf_token, f"CLOUDFLARE_API_TOKEN={cf_token}")
neg("cloudflare-api-token", "CLOUDFLARE_API_TOKEN=" + rnd(URL64, 32))
cf_key = rnd(HEX, 37)
pos("cloudflare-global-api-key", cf_key, f"cloudflare_api_key = \"{cf_key}\"")
neg("cloudflare-global-api-key", "cloudflare_zone_id = \"" + rnd(HEX, 32) + "\"")
origin = "v1.0-" + rnd(HEX, 24) + "-" + rnd(HEX, 146)
pos("cloudflare-origin-ca-key", origin, f"CF_ORIGIN_CA_KEY={origin}")
neg("cloudflare-origin-ca-key", "CF_ORIGIN_CA_KEY=v1.0-" + rnd(HEX, 24) + "-" + rnd(HEX, 100))
aqvn = "AQVN" + rnd(URL64, 36)
pos("yandex-api-key", aqvn, f"YC_API_KEY: {aqvn}")
neg("yandex-api-key", "YC_API_KEY: AQVN" + rnd(URL64, 20))

# ---------------------------------------------------------------- vcs
for rule, prefix in (("github-pat", "ghp_"), ("github-oauth-token", "gho_"), ("github-user-to-server-token", "ghu_"),
                     ("github-app-installation-token", "ghs_")):
    tok = crc_token(prefix)
    pos(rule, tok, f"GITHUB_TOKEN={tok}")
    neg(rule, f"GITHUB_TOKEN={bad_crc(tok)}")  # checksum does not match
    neg(rule, f"GITHUB_TOKEN={prefix}" + "x" * 36)
    neg(rule, f"GITHUB_TOKEN={tok}x")  # 37 characters
fg = "github_pat_11A" + rnd(ALNUM, 19) + "_" + rnd(ALNUM, 59)
pos("github-fine-grained-pat", fg, f"  token: {fg}")
neg("github-fine-grained-pat", "  token: github_pat_" + rnd(ALNUM, 22) + "_" + rnd(ALNUM, 40))
ghr = "ghr_" + rnd(ALNUM, 76)
pos("github-refresh-token", ghr, f'"refresh_token": "{ghr}"')
neg("github-refresh-token", '"refresh_token": "ghr_' + rnd(ALNUM, 20) + '"')

glpat = "glpat-" + rnd(URL64, 20)
pos("gitlab-pat", glpat, f"GITLAB_TOKEN={glpat}")
pos("gitlab-pat", glpat, f"Use {glpat}. Then push.")
routable = "glpat-" + rnd(URL64, 27) + ".01." + rnd(LOWER_ALNUM, 9)
pos("gitlab-pat", routable, f'private_token = "{routable}"')
neg("gitlab-pat", "GITLAB_TOKEN=glpat-" + rnd(URL64, 12))
neg("gitlab-pat", "GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx")
glrt = "glrt-t1_" + rnd(URL64, 20)
pos("gitlab-runner-token", glrt, f'  token = "{glrt}"')
neg("gitlab-runner-token", '  token = "glrt-' + rnd(URL64, 10) + '"')
gr = "GR1348941" + rnd(URL64, 20)
pos("gitlab-runner-registration-token", gr, f"--registration-token {gr} \\")
neg("gitlab-runner-registration-token", "--registration-token GR1348941" + rnd(URL64, 10))
for rule, prefix, n in (("gitlab-deploy-token", "gldt-", 20), ("gitlab-feed-token", "glft-", 20),
                        ("gitlab-feature-flag-client-token", "glffct-", 20), ("gitlab-incoming-mail-token", "glimt-", 25),
                        ("gitlab-kubernetes-agent-token", "glagent-", 50), ("gitlab-oauth-app-secret", "gloas-", 64),
                        ("gitlab-scim-token", "glsoat-", 20)):
    tok = prefix + rnd(URL64, n)
    pos(rule, tok, f"gitlab:\n  secret: '{tok}'\n")
    neg(rule, f"gitlab:\n  secret: '{prefix}{rnd(URL64, n - 5)}'\n")
    neg(rule, f"gitlab:\n  secret: '{prefix}{rnd(URL64, n + 1)}'\n")  # one character too many
glcbt = "glcbt-64_" + rnd(URL64, 20)
pos("gitlab-cicd-job-token", glcbt, f"CI_JOB_TOKEN={glcbt}")
neg("gitlab-cicd-job-token", "CI_JOB_TOKEN=glcbt-" + rnd(URL64, 20))  # no partition prefix
glptt = "glptt-" + rnd(HEX, 40)
pos("gitlab-pipeline-trigger-token", glptt, f"curl -X POST --fail -F token={glptt} -F ref=main https://gitlab.example.com/api/v4/projects/9/trigger/pipeline")
neg("gitlab-pipeline-trigger-token", "-F token=glptt-" + rnd(ALNUM, 40))
atbb = "ATBB" + rnd(ALNUM, 32)
pos("bitbucket-app-password", atbb, f"BITBUCKET_APP_PASSWORD={atbb}")
neg("bitbucket-app-password", "BITBUCKET_APP_PASSWORD=ATBB" + rnd(ALNUM, 20))
bb = rnd(URL64, 64)
pos("bitbucket-client-secret", bb, f"BITBUCKET_CLIENT_SECRET={bb}")
neg("bitbucket-client-secret", "BITBUCKET_CLIENT_ID=" + rnd(URL64, 64))
ado = rnd(string.ascii_lowercase + "234567", 52)
pos("azure-devops-pat", ado, f"AZURE_DEVOPS_PAT={ado}")
pos("azure-devops-pat", ado, f"  ado_token: {ado}")
neg("azure-devops-pat", f"BUILD_HASH={ado}")
ado2 = rnd(ALNUM, 52) + "JQQJ99" + rnd(ALNUM, 18) + "AZDO" + rnd(ALNUM, 4)
pos("azure-devops-pat-v2", ado2, f"SYSTEM_ACCESSTOKEN={ado2}")
neg("azure-devops-pat-v2", "SYSTEM_ACCESSTOKEN=" + rnd(ALNUM, 52) + "JQQJ99" + rnd(ALNUM, 18) + "ABCD" + rnd(ALNUM, 4))
sgp = "sgp_" + rnd(HEX, 16) + "_" + rnd(HEX, 40)
pos("sourcegraph-access-token", sgp, f"SRC_ACCESS_TOKEN={sgp}")
neg("sourcegraph-access-token", "SRC_ACCESS_TOKEN=sgp_" + rnd(HEX, 30))

# ---------------------------------------------------------------- registry
npm = crc_token("npm_")
legacy = uuid()
auth = base64.b64encode(b"ci-bot:Pr1vate-Regi5try-Pa55").decode()
password = base64.b64encode(b"Sup3r-S3cret-npm").decode()
npmrc = sample(".npmrc", f"""registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken={npm}
//npm.pkg.example.com/:_authToken={legacy}
//npm.internal.example.com/:_auth={auth}
//nexus.example.com/repository/npm/:username=ci-bot
//nexus.example.com/repository/npm/:_password={password}
//npm.pkg.github.com/:_authToken=${{GITHUB_TOKEN}}
always-auth=true
""")
pos("npm-access-token", npm, npmrc)
neg("npm-access-token", f"//registry.npmjs.org/:_authToken={bad_crc(npm)}")
pos("npmrc-auth-token", legacy, npmrc)
neg("npmrc-auth-token", f"//registry.npmjs.org/:_authToken={npm}")  # left to npm-access-token
neg("npmrc-auth-token", "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}")
pos("npmrc-auth", auth, npmrc)
neg("npmrc-auth", "_auth=" + base64.b64encode(b"no-colon-here").decode())
pos("npmrc-password", password, npmrc)
neg("npmrc-password", "//nexus.example.com/:_password=${NPM_PASS}")
pypi = "pypi-AgEIcHlwaS5vcmc" + rnd(URL64, 160)
pos("pypi-upload-token", pypi, f"[pypi]\n  username = __token__\n  password = {pypi}\n")
neg("pypi-upload-token", "password = pypi-AgEIcHlwaS5vcmc" + rnd(URL64, 20))
neg("pypi-upload-token", "password = pypi-AgEIdGVzdA" + rnd(URL64, 100))  # not pypi.org / test.pypi.org
rubygems = "rubygems_" + rnd(HEX, 48)
pos("rubygems-api-key", rubygems, f"---\n:rubygems_api_key: {rubygems}\n")
neg("rubygems-api-key", ":rubygems_api_key: rubygems_" + rnd(HEX, 40))
nuget = "oy2" + rnd(LOWER_ALNUM, 43)
pos("nuget-api-key", nuget, f"dotnet nuget push pkg.nupkg --api-key {nuget} --source https://api.nuget.org/v3/index.json")
neg("nuget-api-key", "--api-key oy2" + rnd(LOWER_ALNUM, 30))
dckr = "dckr_pat_" + rnd(URL64, 27)
pos("dockerhub-pat", dckr, f"echo {dckr} | docker login -u vigilbot --password-stdin")
neg("dockerhub-pat", "DOCKERHUB_TOKEN=dckr_pat_" + rnd(URL64, 10))
docker_auth = base64.b64encode(b"vigilbot:Dock3r-Hub-Passw0rd").decode()
docker = sample("docker-config.json", f"""{{
	"auths": {{
		"https://index.docker.io/v1/": {{
			"auth": "{docker_auth}"
		}},
		"ghcr.io": {{
			"auth": ""
		}}
	}},
	"credsStore": "desktop"
}}
""")
pos("docker-config-auth", docker_auth, docker)
neg("docker-config-auth", '{"auths": {"r.example.com": {"auth": "' + base64.b64encode(b"onlyusername").decode() + '"}}}')
cio = "cio" + rnd(ALNUM, 32)
pos("crates-io-token", cio, f"[registry]\ntoken = \"{cio}\"\n")
neg("crates-io-token", "token = \"cio" + rnd(ALNUM, 20) + "\"")
clojars = "CLOJARS_" + rnd(LOWER_ALNUM, 60)
pos("clojars-api-token", clojars, f"CLOJARS_PASSWORD={clojars}")
neg("clojars-api-token", "CLOJARS_PASSWORD=CLOJARS_" + rnd(LOWER_ALNUM, 40))
akcp = "AKCp" + rnd(ALNUM, 69)
pos("jfrog-api-key", akcp, f"ARTIFACTORY_API_KEY={akcp}")
neg("jfrog-api-key", "ARTIFACTORY_API_KEY=AKCp" + rnd(ALNUM, 40))
reftkn = base64.b64encode(b"reftkn:01:2071839452:" + rnd(ALNUM, 27).encode()).decode().rstrip("=")
reftkn = (reftkn + rnd(ALNUM, 64))[:64]
pos("jfrog-reference-token", reftkn, f"JFROG_ACCESS_TOKEN={reftkn}")
neg("jfrog-reference-token", "JFROG_ACCESS_TOKEN=cmVmdGtu" + rnd(ALNUM, 30))
gradle = rnd(ALNUM, 32)
pos("gradle-publish-secret", gradle, f"gradle.publish.key={rnd(ALNUM, 32)}\ngradle.publish.secret={gradle}\n")
neg("gradle-publish-secret", f"gradle.publish.key={gradle}")
codecov = uuid()
pos("codecov-upload-token", codecov, f"CODECOV_TOKEN={codecov}")
pos("codecov-upload-token", codecov, f"        env:\n          CODECOV_TOKEN: '{codecov}'\n")
neg("codecov-upload-token", "CODECOV_TOKEN: ${{ secrets.CODECOV_TOKEN }}")
neg("codecov-upload-token", f"SENTRY_DSN_ID={codecov}")
ccipat = "CCIPAT_" + rnd(ALNUM, 22) + "_" + rnd(HEX, 40)
pos("circleci-pat", ccipat, f"CIRCLECI_CLI_TOKEN={ccipat}")
neg("circleci-pat", "CIRCLECI_CLI_TOKEN=CCIPAT_" + rnd(ALNUM, 22) + "_" + rnd(HEX, 20))
circle = rnd(HEX, 40)
pos("circleci-token", circle, f"CIRCLE_TOKEN={circle}")
neg("circleci-token", f"GIT_COMMIT_SHA={circle}")
travis = rnd(URL64, 22)
pos("travis-ci-token", travis, f"TRAVIS_API_TOKEN={travis}")
neg("travis-ci-token", f"TRAVIS_BUILD_ID={travis}")
bkua = "bkua_" + rnd(HEX, 40)
pos("buildkite-api-token", bkua, f"BUILDKITE_API_TOKEN={bkua}")
neg("buildkite-api-token", "BUILDKITE_API_TOKEN=bkua_" + rnd(HEX, 30))
jenkins = "11" + rnd(HEX, 32)
pos("jenkins-api-token", jenkins, f"JENKINS_API_TOKEN={jenkins}")
neg("jenkins-api-token", "JENKINS_API_TOKEN=" + rnd(HEX, 34).replace("1", "2"))  # does not start with 11
drone = rnd(ALNUM, 32)
pos("drone-ci-token", drone, f"DRONE_TOKEN={drone}")
neg("drone-ci-token", "DRONE_SERVER=" + drone)

# ---------------------------------------------------------------- chat
xoxb = "xoxb-" + rnd(string.digits, 12) + "-" + rnd(string.digits, 13) + "-" + rnd(ALNUM, 24)
pos("slack-bot-token", xoxb, f'SLACK_BOT_TOKEN="{xoxb}"')
neg("slack-bot-token", "SLACK_BOT_TOKEN=xoxb-" + rnd(string.digits, 12) + "-" + rnd(ALNUM, 24))
xoxp = "xoxp-" + "-".join(rnd(string.digits, 12) for _ in range(3)) + "-" + rnd(HEX, 32)
pos("slack-user-token", xoxp, f"slack_token: {xoxp}")
neg("slack-user-token", "slack_token: xoxp-" + rnd(string.digits, 12) + "-" + rnd(HEX, 32))
xapp = "xapp-1-A" + rnd(UPPER_ALNUM, 10) + "-" + rnd(string.digits, 13) + "-" + rnd(HEX, 64)
pos("slack-app-token", xapp, f"SLACK_APP_TOKEN={xapp}")
neg("slack-app-token", "SLACK_APP_TOKEN=xapp-1-A" + rnd(UPPER_ALNUM, 10) + "-" + rnd(HEX, 64))
xoxs = "xoxs-" + "-".join(rnd(string.digits, 10) for _ in range(3)) + "-" + rnd(HEX, 64)
pos("slack-legacy-token", xoxs, f"token = '{xoxs}'")
neg("slack-legacy-token", "token = 'xoxs-" + rnd(string.digits, 10) + "-" + rnd(HEX, 64) + "'")
xoxa = "xoxa-2-" + rnd(ALNUM, 40)
pos("slack-workspace-token", xoxa, f"token = '{xoxa}'")
neg("slack-workspace-token", "token = 'xoxa-2-" + rnd(ALNUM, 5) + "'")
xoxe_at = "xoxe.xoxp-1-" + rnd(UPPER_ALNUM, 164)
pos("slack-config-access-token", xoxe_at, f"SLACK_CONFIG_TOKEN={xoxe_at}")
neg("slack-config-access-token", "SLACK_CONFIG_TOKEN=xoxe.xoxp-1-" + rnd(UPPER_ALNUM, 100))
xoxe_rt = "xoxe-1-" + rnd(UPPER_ALNUM, 146)
pos("slack-config-refresh-token", xoxe_rt, f"SLACK_CONFIG_REFRESH_TOKEN={xoxe_rt}")
neg("slack-config-refresh-token", "SLACK_CONFIG_REFRESH_TOKEN=xoxe-1-" + rnd(UPPER_ALNUM, 146).lower())
hook = f"https://hooks.slack.com/services/T{rnd(UPPER_ALNUM, 8)}/B{rnd(UPPER_ALNUM, 10)}/{rnd(ALNUM, 24)}"
pos("slack-webhook-url", hook, f"  slack_api_url: '{hook}'")
neg("slack-webhook-url", "  slack_api_url: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXX'")
wf = f"https://hooks.slack.com/workflows/T{rnd(UPPER_ALNUM, 8)}/A{rnd(UPPER_ALNUM, 10)}/{rnd(string.digits, 18)}/{rnd(ALNUM, 32)}"
pos("slack-workflow-webhook-url", wf, f"SLACK_WORKFLOW_URL={wf}")
neg("slack-workflow-webhook-url", f"SLACK_WORKFLOW_URL=https://hooks.slack.com/workflows/T{rnd(UPPER_ALNUM, 8)}/A{rnd(UPPER_ALNUM, 10)}/")
bot_id = base64.b64encode(b"1071539480257859627").decode().rstrip("=")
discord = f"{bot_id}.{rnd(URL64, 6)}.{rnd(URL64, 38)}"
pos("discord-bot-token", discord, f"client.login('{discord}');")
bot_id18 = base64.b64encode(b"869203512471724052").decode().rstrip("=")
discord18 = f"{bot_id18}.{rnd(URL64, 6)}.{rnd(URL64, 27)}"
pos("discord-bot-token", discord18, f'DISCORD_TOKEN = "{discord18}"')
neg("discord-bot-token", f"client.login('{'M' + rnd(URL64, 25)}.{rnd(URL64, 6)}.{rnd(URL64, 38)}');")  # id not digits
dhook = f"https://discord.com/api/webhooks/{rnd(string.digits, 19)}/{rnd(URL64, 68)}"
pos("discord-webhook-url", dhook, f"DISCORD_WEBHOOK={dhook}")
neg("discord-webhook-url", f"DISCORD_WEBHOOK=https://discord.com/api/webhooks/{rnd(string.digits, 19)}/<token>")
teams = (f"https://vigilsec.webhook.office.com/webhookb2/{uuid()}@{uuid()}/IncomingWebhook/{rnd(HEX, 32)}/{uuid()}"
         f"/V2{rnd(URL64, 44)}")
pos("teams-webhook-url", teams, f"teams_webhook: {teams}")
neg("teams-webhook-url", f"teams_webhook: https://vigilsec.webhook.office.com/webhookb2/{uuid()}/IncomingWebhook/")
flow = (f"https://prod-27.westeurope.logic.azure.com:443/workflows/{rnd(HEX, 32)}/triggers/manual/paths/invoke"
        f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={rnd(URL64, 43)}")
pos("teams-workflow-webhook-url", flow, f'TEAMS_WORKFLOW_URL="{flow}"')
neg("teams-workflow-webhook-url",
    f'TEAMS_WORKFLOW_URL="https://prod-27.westeurope.logic.azure.com:443/workflows/{rnd(HEX, 32)}/triggers/manual/paths/invoke?api-version=2016-06-01"')
tg = rnd(string.digits, 10) + ":AA" + rnd(URL64, 33)
pos("telegram-bot-token", tg, f"TELEGRAM_BOT_TOKEN={tg}")
neg("telegram-bot-token", "TELEGRAM_BOT_TOKEN=" + rnd(string.digits, 10) + ":BB" + rnd(URL64, 33))
mm = rnd(LOWER_ALNUM, 26)
pos("mattermost-access-token", mm, f"MATTERMOST_TOKEN={mm}")
neg("mattermost-access-token", f"MATTERMOST_TEAM={mm}")
gchat_token = rnd(URL64, 43) + "%3D"
gchat = f"https://chat.googleapis.com/v1/spaces/AAAA{rnd(URL64, 7)}/messages?key=AIza{rnd(URL64, 35)}&token={gchat_token}"
pos("google-chat-webhook-url", gchat_token, f'GOOGLE_CHAT_WEBHOOK="{gchat}"')
neg("google-chat-webhook-url", f'GOOGLE_CHAT_WEBHOOK="https://chat.googleapis.com/v1/spaces/AAAA{rnd(URL64, 7)}/messages"')
webex = rnd(ALNUM, 64) + "_" + rnd(ALNUM, 4) + "_" + uuid()
pos("webex-bot-token", webex, f"WEBEX_BOT_TOKEN={webex}")
neg("webex-bot-token", "WEBEX_BOT_TOKEN=" + rnd(ALNUM, 64) + "_" + rnd(ALNUM, 4))


def esc(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


with open(os.path.join(HERE, "cases.tsv"), "w") as f:
    f.write("# Generated by make_cases.py (fake credentials). rule\t+|-\texpected\ttext or @file\n")
    for rule, sign, secret, text in cases:
        f.write(f"{rule}\t{sign}\t{secret}\t{esc(text)}\n")
print(len(cases), "cases")
