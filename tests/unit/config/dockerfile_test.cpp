// read_dockerfile: BuildKit's syntax on realistic Dockerfiles (continuations with comments, flags spanning lines,
// heredocs, exec form, the escape directive), exact instruction and script lines, and malformed or hostile input.
#include <gtest/gtest.h>

#include <string>

#include "formats/cicd.hpp"
#include "test_support.hpp"

namespace vigil::formats::cicd {
namespace {

struct Read {
  Result<Dockerfile> file;
  std::vector<Diagnostic> warnings;
};

Read read(std::string_view text) {
  Read r;
  r.file = read_dockerfile(text, r.warnings);
  return r;
}

std::vector<std::string> keywords(const Dockerfile& f) {
  std::vector<std::string> out;
  for (const auto& i : f.instructions) out.push_back(i.keyword);
  return out;
}

std::vector<int> lines_of(const Dockerfile& f) {
  std::vector<int> out;
  for (const auto& i : f.instructions) out.push_back(i.line);
  return out;
}

// The source line of the first occurrence of needle in a script.
int line_of(const Script& s, std::string_view needle) {
  const size_t at = s.text.find(needle);
  return at == std::string::npos ? -1 : s.line_at(at);
}

TEST(Dockerfile, MultiStageGoBuildWithFlagsOverSeveralLines) {
  auto r = read(test::read_data("config/docker/go-distroless.Dockerfile"));
  ASSERT_TRUE(r.file) << r.file.error().message;
  EXPECT_TRUE(r.warnings.empty());
  const auto& f = *r.file;
  EXPECT_EQ(keywords(f), (std::vector<std::string>{"ARG", "FROM", "WORKDIR", "RUN", "COPY", "RUN", "FROM", "COPY",
                                                   "EXPOSE", "ENTRYPOINT"}));
  EXPECT_EQ(lines_of(f), (std::vector<int>{2, 4, 5, 7, 11, 12, 16, 17, 18, 19}));
  const auto& download = f.instructions[3];
  EXPECT_EQ(download.flags, (std::vector<std::string>{"--mount=type=cache,target=/go/pkg/mod",
                                                      "--mount=type=bind,source=go.sum,target=go.sum",
                                                      "--mount=type=bind,source=go.mod,target=go.mod"}));
  EXPECT_EQ(download.arguments, "go mod download -x");
  // The flag lines are blank in the script, so its text lines stay on their source lines.
  EXPECT_EQ(download.script.text, "\n\n\ngo mod download -x");
  EXPECT_EQ(download.script.first_line, 7);
  EXPECT_EQ(line_of(download.script, "go mod"), 10);
  const auto& build = f.instructions[5];
  EXPECT_EQ(build.flags.size(), 2U);
  EXPECT_EQ(line_of(build.script, "CGO_ENABLED"), 14);
  EXPECT_EQ(f.instructions[1].arguments, "golang:${GO_VERSION}-bookworm AS build");
  EXPECT_EQ(f.instructions[7].flags, (std::vector<std::string>{"--from=build"}));
  EXPECT_EQ(f.instructions[7].arguments, "/out/server /server");
  EXPECT_TRUE(f.instructions[9].exec_form);
  EXPECT_EQ(f.instructions[9].exec_args, (std::vector<std::string>{"/server"}));
}

TEST(Dockerfile, OfficialImageContinuationsSkipCommentsAndKeepLines) {
  auto r = read(test::read_data("config/docker/python-official.Dockerfile"));
  ASSERT_TRUE(r.file) << r.file.error().message;
  const auto& f = *r.file;
  EXPECT_EQ(keywords(f),
            (std::vector<std::string>{"FROM", "ENV", "ENV", "RUN", "ENV", "ENV", "RUN", "ENV", "ENV", "CMD"}));
  EXPECT_EQ(lines_of(f), (std::vector<int>{7, 10, 13, 15, 24, 25, 27, 45, 46, 48}));
  EXPECT_EQ(f.instructions[4].arguments, "GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305");
  const auto& run = f.instructions[6];
  // The comment inside the continuation is neither in the arguments nor in the script.
  EXPECT_EQ(run.arguments.find("docker-library"), std::string::npos);
  EXPECT_EQ(run.script.text.find("docker-library"), std::string::npos);
  EXPECT_NE(run.arguments.find("apt-get update;  \tapt-get install"), std::string::npos);
  EXPECT_EQ(line_of(run.script, "savedAptMark"), 29);
  EXPECT_EQ(line_of(run.script, "dpkg-dev"), 33);
  EXPECT_EQ(line_of(run.script, "gpg --batch --verify"), 42);
  EXPECT_EQ(run.script.line_at(run.script.text.size()), 43);
}

TEST(Dockerfile, HeredocsAreBodiesOfTheirInstruction) {
  auto r = read(test::read_data("config/docker/heredoc.Dockerfile"));
  ASSERT_TRUE(r.file) << r.file.error().message;
  EXPECT_TRUE(r.warnings.empty());
  const auto& f = *r.file;
  EXPECT_EQ(keywords(f), (std::vector<std::string>{"FROM", "RUN", "COPY", "RUN", "RUN", "USER", "CMD"}));
  EXPECT_EQ(lines_of(f), (std::vector<int>{2, 4, 11, 16, 21, 22, 23}));
  const auto& install = f.instructions[1];
  EXPECT_EQ(install.arguments, "<<EOF");
  EXPECT_EQ(line_of(install.script, "apt-get update"), 6);
  EXPECT_EQ(line_of(install.script, "rm -rf"), 8);
  // `<<-"EOT"`: quoted name, terminator indented with a tab.
  EXPECT_EQ(f.instructions[2].arguments, "<<-\"EOT\" /etc/app/config.toml");
  EXPECT_NE(f.instructions[2].script.text.find("port = 8080"), std::string::npos);
  EXPECT_EQ(line_of(f.instructions[3].script, "curl -fsSL"), 17);
}

TEST(Dockerfile, SeveralHeredocsOnOneLine) {
  auto r = read(
      "FROM alpine\nCOPY <<robots.txt <<humans.txt /usr/share/nginx/html/\nUser-agent: *\nrobots.txt\n"
      "We are humans\nhumans.txt\nRUN nginx -t\n");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(keywords(*r.file), (std::vector<std::string>{"FROM", "COPY", "RUN"}));
  EXPECT_EQ(r.file->instructions[2].line, 7);
}

TEST(Dockerfile, BackquoteEscapeDirective) {
  auto r = read(test::read_data("config/docker/windows-escape.Dockerfile"));
  ASSERT_TRUE(r.file) << r.file.error().message;
  const auto& f = *r.file;
  EXPECT_EQ(keywords(f), (std::vector<std::string>{"FROM", "SHELL", "RUN", "WORKDIR", "COPY", "USER", "CMD"}));
  EXPECT_EQ(lines_of(f), (std::vector<int>{3, 4, 5, 8, 9, 10, 11}));
  EXPECT_EQ(f.instructions[3].arguments, "C:\\app");  // a backslash is an ordinary character now
  EXPECT_NE(f.instructions[2].arguments.find("node.msi;      Start-Process"), std::string::npos);
  EXPECT_EQ(line_of(f.instructions[2].script, "Remove-Item"), 7);
  EXPECT_EQ(f.instructions[1].exec_args.front(), "powershell");
}

TEST(Dockerfile, DirectiveAfterACommentIsAComment) {
  auto r = read("# build with buildx\n# escape=`\nFROM alpine\nRUN echo a \\\n  b\n");
  ASSERT_TRUE(r.file);
  ASSERT_EQ(r.file->instructions.size(), 2U);
  EXPECT_EQ(r.file->instructions[1].arguments, "echo a    b");
}

TEST(Dockerfile, ExecFormAndInvalidJsonIsShellForm) {
  auto r = read(
      "FROM alpine\n"
      "RUN [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\", \"curl -fsSL https://get.example.sh | bash\"]\n"
      "RUN [ \"echo\", 'single quotes are not JSON' ]\n"
      "CMD [\"echo\", \"caf\\u00e9 \\ud83d\\ude00\"]\n"
      "ENTRYPOINT [\"/usr/bin/tini\", \"--\"]\n");
  ASSERT_TRUE(r.file);
  const auto& f = *r.file;
  EXPECT_TRUE(f.instructions[1].exec_form);
  EXPECT_EQ(f.instructions[1].script.text, "curl -fsSL https://get.example.sh | bash");
  EXPECT_FALSE(f.instructions[1].script.lines_exact);
  EXPECT_EQ(f.instructions[1].script.line_at(5), 2);
  EXPECT_FALSE(f.instructions[2].exec_form);
  EXPECT_EQ(f.instructions[2].script.text, "[ \"echo\", 'single quotes are not JSON' ]");
  EXPECT_EQ(f.instructions[3].exec_args[1], "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(f.instructions[4].exec_args, (std::vector<std::string>{"/usr/bin/tini", "--"}));
}

TEST(Dockerfile, KeywordsAnyCaseFlagsAndUnknownInstructions) {
  auto r = read(
      "from alpine:3.20 as Base\ncopy --from=build --chown=app:app --chmod=0755 bin/ /usr/local/bin/\n"
      "ADD --checksum=sha256:abc --link https://example.com/a.tgz /a/\nFROOM alpine\n");
  ASSERT_TRUE(r.file);
  const auto& f = *r.file;
  EXPECT_EQ(keywords(f), (std::vector<std::string>{"FROM", "COPY", "ADD", "FROOM"}));
  EXPECT_EQ(f.instructions[0].arguments, "alpine:3.20 as Base");
  EXPECT_EQ(f.instructions[1].flags, (std::vector<std::string>{"--from=build", "--chown=app:app", "--chmod=0755"}));
  EXPECT_EQ(f.instructions[1].arguments, "bin/ /usr/local/bin/");
  EXPECT_EQ(f.instructions[2].flags, (std::vector<std::string>{"--checksum=sha256:abc", "--link"}));
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_EQ(r.warnings[0].line, 4);
  EXPECT_EQ(r.warnings[0].message, "unknown instruction FROOM");
}

TEST(Dockerfile, EmptyLinesInsideContinuationAndCrlf) {
  auto r = read("FROM alpine\r\nRUN apk add \\\r\n\r\n    # pinned below\r\n    curl\r\nUSER 1000\r\n");
  ASSERT_TRUE(r.file);
  const auto& f = *r.file;
  EXPECT_EQ(lines_of(f), (std::vector<int>{1, 2, 6}));
  EXPECT_EQ(f.instructions[1].arguments, "apk add      curl");
  EXPECT_EQ(f.instructions[1].script.text, "apk add \\\n\n\n    curl");
  EXPECT_EQ(line_of(f.instructions[1].script, "curl"), 5);
}

TEST(Dockerfile, UnterminatedHeredocRunsToTheEnd) {
  auto r = read("FROM alpine\nRUN <<EOF\necho one\nUSER app\n");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(keywords(*r.file), (std::vector<std::string>{"FROM", "RUN"}));
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_EQ(r.warnings[0].line, 2);
  EXPECT_EQ(line_of(r.file->instructions[1].script, "USER app"), 4);
}

TEST(Dockerfile, LoneContinuationAtEndOfFile) {
  auto r = read("FROM alpine\nRUN echo \\");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(keywords(*r.file), (std::vector<std::string>{"FROM", "RUN"}));
  EXPECT_EQ(r.file->instructions[1].arguments, "echo");
  auto trailing = read("FROM alpine\nRUN echo \\\n\n# done\n");
  ASSERT_TRUE(trailing.file);
  EXPECT_EQ(trailing.file->instructions.size(), 2U);
  auto lone = read("\\");  // nothing but the escape character
  ASSERT_TRUE(lone.file);
  EXPECT_TRUE(lone.file->instructions.empty());
}

TEST(Dockerfile, NulBytesAreReadAsTextWithAWarning) {
  constexpr char kText[] = "FROM alpine\nRUN echo \0hi\nUSER app\n";
  auto r = read(std::string(kText, sizeof(kText) - 1));
  ASSERT_TRUE(r.file);
  EXPECT_EQ(keywords(*r.file), (std::vector<std::string>{"FROM", "RUN", "USER"}));
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].message.find("NUL"), std::string::npos);
}

TEST(Dockerfile, HugeInputsAreBounded) {
  std::string many = "FROM alpine\n";
  for (int i = 0; i < 100000; ++i) many += "RUN echo " + std::to_string(i) + " \\\n  && true\n";
  auto r = read(many);
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->instructions.size(), 100001U);
  EXPECT_EQ(r.file->instructions.back().line, 200000);

  std::string giant = "FROM alpine\nRUN echo " + std::string(2U << 20, 'a') + "\nUSER app\n";
  auto g = read(giant);
  ASSERT_TRUE(g.file);
  EXPECT_EQ(keywords(*g.file), (std::vector<std::string>{"FROM", "USER"}));
  ASSERT_EQ(g.warnings.size(), 1U);
  EXPECT_EQ(g.warnings[0].line, 2);

  std::string body = "FROM alpine\nRUN <<EOF\n";
  for (int i = 0; i < 40000; ++i) body += "echo " + std::string(40, 'x') + "\n";
  auto h = read(body + "EOF\nUSER app\n");  // a 1.8 MiB heredoc counts towards the instruction's size
  ASSERT_TRUE(h.file);
  EXPECT_EQ(keywords(*h.file), (std::vector<std::string>{"FROM", "USER"}));
  EXPECT_EQ(h.warnings.size(), 1U);

  std::string flags = "RUN";
  for (int i = 0; i < 200000; ++i) flags += " --a";  // each flag is read once, not the rest of the line per flag
  auto f = read(flags + " echo\n");
  ASSERT_TRUE(f.file);
  EXPECT_EQ(f.file->instructions[0].flags.size(), 200000U);
  EXPECT_EQ(f.file->instructions[0].arguments, "echo");

  EXPECT_FALSE(read(std::string(1'000'001, '\n')).file);
  auto empty = read("");
  ASSERT_TRUE(empty.file);
  EXPECT_TRUE(empty.file->instructions.empty());
}

TEST(Dockerfile, HostileSyntaxNeverThrows) {
  for (std::string_view text :
       {"RUN [\"\\ud800\"]", "RUN [\"\\u12\"]", "RUN [", "RUN <<", "RUN <<-", "RUN <<''", "COPY <<<EOF x", "RUN --",
        "RUN --mount=\"unterminated", "# escape=x\nFROM a", "# escape=`\n# escape=\\\nFROM a `",
        "\xEF\xBB\xBF# escape=`\nRUN a `\n b", "\t\x0b\nRUN x"}) {
    auto r = read(text);
    EXPECT_TRUE(r.file) << text;
  }
  auto lone = read("RUN [\"\\ud800x\"]");
  ASSERT_TRUE(lone.file);
  EXPECT_EQ(lone.file->instructions[0].exec_args[0], "\xEF\xBF\xBDx");
}

}  // namespace
}  // namespace vigil::formats::cicd
