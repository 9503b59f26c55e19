// The bounded YAML reader (formats/yaml/yaml_tree): block and flow styles, scalar styles, nulls, anchors and aliases
// under a budget, the nesting limit, and syntax errors reported with their line.
#include "formats/yaml/yaml_tree.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace vigil::formats::yaml {
namespace {

Document must_load(std::string_view text, const Limits& limits = {}) {
  auto doc = load(text, limits);
  if (!doc) {
    ADD_FAILURE() << doc.error().message;
    return Document(std::make_unique<detail::Tree>());
  }
  return std::move(*doc);
}

std::string error_of(std::string_view text, const Limits& limits = {}) {
  const auto doc = load(text, limits);
  return doc ? std::string("(loaded)") : doc.error().message;
}

TEST(YamlTree, BlockMapsSequencesAndLookups) {
  const Document doc = must_load(
      "lockfileVersion: '9.0'\n"
      "# a comment\n"
      "importers:\n"
      "  .:\n"
      "    dependencies:\n"
      "      express:\n"
      "        specifier: ^4.18.2\n"
      "        version: 4.22.3\n"
      "list:\n"
      "  - a\n"
      "  - b: 1\n"
      "  -\n");
  const Node root = doc.root();
  ASSERT_TRUE(root.is_map());
  EXPECT_EQ(root.size(), 3U);
  EXPECT_EQ(root.line(), 1);
  EXPECT_EQ(root.get("lockfileVersion").scalar(), "9.0");
  const Node express = root.get("importers").get(".").get("dependencies").get("express");
  EXPECT_EQ(express.get("version").scalar(), "4.22.3");
  EXPECT_EQ(express.line(), 7);
  EXPECT_EQ(express.get("version").line(), 8);
  const Node list = root.get("list");
  ASSERT_TRUE(list.is_seq());
  ASSERT_EQ(list.size(), 3U);
  EXPECT_EQ(list.item(0).scalar(), "a");
  EXPECT_EQ(list.item(1).get("b").scalar(), "1");
  EXPECT_TRUE(list.item(2).is_null());
  // Missing things are Kind::None, never an error, and chain safely.
  EXPECT_EQ(root.get("nope").kind(), Kind::None);
  EXPECT_EQ(root.get("nope").get("deeper").item(3).scalar(), "");
  EXPECT_EQ(list.get("a").kind(), Kind::None);
  EXPECT_EQ(list.item(9).kind(), Kind::None);
  std::string keys;
  for (const auto& [k, v] : root.entries()) {
    keys += std::string(k.scalar()) + ",";
  }
  EXPECT_EQ(keys, "lockfileVersion,importers,list,");
}

TEST(YamlTree, FlowStyle) {
  const Document doc = must_load("a: {b: c, 'd e': [x, y, {z: 1}]}\nresolution: {integrity: sha512-V9n/W0+==}\n");
  const Node a = doc.root().get("a");
  ASSERT_TRUE(a.is_map());
  EXPECT_EQ(a.get("b").scalar(), "c");
  const Node seq = a.get("d e");
  ASSERT_TRUE(seq.is_seq());
  ASSERT_EQ(seq.size(), 3U);
  EXPECT_EQ(seq.item(0).scalar(), "x");
  EXPECT_EQ(seq.item(1).scalar(), "y");
  EXPECT_EQ(seq.item(2).get("z").scalar(), "1");
  EXPECT_EQ(doc.root().get("resolution").get("integrity").scalar(), "sha512-V9n/W0+==");
  const Document top = must_load("[x, y]");
  ASSERT_TRUE(top.root().is_seq());
  EXPECT_EQ(top.root().size(), 2U);
}

TEST(YamlTree, ScalarStylesAndNulls) {
  const Document doc = must_load(
      "dq: \"tab\\there \\\"q\\\" \\u00e9 \\x41\"\n"
      "sq: 'it''s # not a comment'\n"
      "'@scope/pkg@1.0.0': quoted key\n"
      "literal: |\n"
      "  line 1\n"
      "  line 2\n"
      "folded: >-\n"
      "  one\n"
      "  two\n"
      "n1:\n"
      "n2: ~\n"
      "n3: null\n"
      "qn: 'null'\n"
      "tn: !!str null\n"
      "num: 5.4\n");
  const Node r = doc.root();
  EXPECT_EQ(r.get("dq").scalar(), "tab\there \"q\" \xc3\xa9 A");
  EXPECT_EQ(r.get("sq").scalar(), "it's # not a comment");
  EXPECT_EQ(r.get("@scope/pkg@1.0.0").scalar(), "quoted key");
  EXPECT_EQ(r.get("literal").scalar(), "line 1\nline 2\n");
  EXPECT_EQ(r.get("folded").scalar(), "one two");
  for (const char* key : {"n1", "n2", "n3"}) {
    EXPECT_TRUE(r.get(key).is_null()) << key;
    EXPECT_EQ(r.get(key).scalar(), "") << key;
  }
  EXPECT_EQ(r.get("qn").scalar(), "null");  // quoted or tagged: a string, not a null
  EXPECT_EQ(r.get("tn").scalar(), "null");
  EXPECT_EQ(r.get("num").scalar(), "5.4");
}

TEST(YamlTree, OnlyTheFirstDocumentIsRead) {
  const Document doc = must_load("---\na: 1\n---\nb: [unclosed\n");
  EXPECT_EQ(doc.root().get("a").scalar(), "1");
  EXPECT_EQ(doc.root().get("b").kind(), Kind::None);
  EXPECT_EQ(must_load("").root().kind(), Kind::None);
  EXPECT_EQ(must_load("# only a comment\n").root().kind(), Kind::None);
}

TEST(YamlTree, DuplicateKeysKeepFileOrderAndFirstWinsOnLookup) {
  const Document doc = must_load("k: 1\nk: 2\n");
  ASSERT_EQ(doc.root().size(), 2U);
  EXPECT_EQ(doc.root().get("k").scalar(), "1");
  EXPECT_EQ(doc.root().value(1).scalar(), "2");
}

TEST(YamlTree, NestingLimit) {
  Limits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(load("a: {b: [c]}\n", limits));  // three collections open at once
  EXPECT_EQ(error_of("a: {b: [[c]]}\n", limits), "YAML nested deeper than 3 levels at line 1");
  EXPECT_EQ(error_of("a:\n  b:\n    c:\n      d: 1\n", limits), "YAML nested deeper than 3 levels at line 4");
  // Default limit (128): streaming stops long before these are read.
  EXPECT_NE(error_of(std::string(100000, '[')).find("nested deeper than 128"), std::string::npos);
  std::string dashes;
  for (int i = 0; i < 3000; ++i) {
    dashes += "- ";
  }
  EXPECT_NE(error_of(dashes + "x\n").find("nested deeper than 128"), std::string::npos);
  std::string ok = "x";
  for (int i = 0; i < 128; ++i) {
    ok = "[" + ok + "]";
  }
  EXPECT_TRUE(load(ok));
  EXPECT_FALSE(load("[" + ok + "]"));
}

TEST(YamlTree, AnchorsAndAliasesShareNodes) {
  const Document doc = must_load("base: &b {x: 1, y: [2, 3]}\ncopy: *b\nname: &n hello\nagain: *n\n");
  const Node r = doc.root();
  EXPECT_EQ(r.get("copy").get("y").item(1).scalar(), "3");
  EXPECT_EQ(r.get("again").scalar(), "hello");
  EXPECT_EQ(error_of("a: *nowhere\n"), "YAML alias *nowhere names no earlier anchor at line 1");
  // An alias inside its own anchor's collection would be a cycle: the anchor is not known until it ends.
  EXPECT_EQ(error_of("a: &x [1, *x]\n"), "YAML alias *x names no earlier anchor at line 1");
  Limits strict;
  strict.allow_aliases = false;
  EXPECT_TRUE(load("base: &b {x: 1}\n", strict));  // an anchor alone is harmless
  EXPECT_EQ(error_of("base: &b {x: 1}\ncopy: *b\n", strict), "YAML aliases are not supported (*b at line 2)");
}

TEST(YamlTree, BillionLaughsIsBounded) {
  std::string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    const std::string prev(1, static_cast<char>(c - 1));
    laughs += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
              ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  const std::string err = error_of(laughs);
  EXPECT_NE(err.find("aliases expand to more than"), std::string::npos) << err;
  // Below the budget the same shape loads, sharing rather than copying nodes.
  Limits small;
  small.max_nodes = 1000;
  EXPECT_FALSE(load(laughs.substr(0, laughs.find("d: ")), small));
  const auto doc = load(laughs.substr(0, laughs.find("d: ")));
  ASSERT_TRUE(doc);
  EXPECT_LT(doc->node_count(), 40U);
  EXPECT_EQ(doc->root().get("c").item(9).item(9).item(9).scalar(), "lol");
}

TEST(YamlTree, NodeCountLimit) {
  Limits limits;
  limits.max_nodes = 10;
  EXPECT_TRUE(load("[1, 2, 3, 4, 5, 6, 7, 8, 9]", limits));
  EXPECT_EQ(error_of("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", limits), "YAML document has more than 10 nodes at line 1");
}

TEST(YamlTree, MalformedInputReportsTheLine) {
  EXPECT_EQ(error_of("a: 1\nb: [x, y\nc: 2\n"),
            "invalid YAML at line 3, column 2: did not find expected ',' or ']' "
            "(while parsing a flow sequence started at line 2)");
  EXPECT_EQ(error_of("a: 1\n b: 2\n"),
            "invalid YAML at line 2, column 3: mapping values are not allowed in this context");
  EXPECT_EQ(error_of("a: 'open\n"),
            "invalid YAML at line 2, column 1: found unexpected end of stream "
            "(while scanning a quoted scalar started at line 1)");
  EXPECT_EQ(error_of("a: \"\\q\"\n"),
            "invalid YAML at line 1, column 5: found unknown escape character "
            "(while parsing a quoted scalar started at line 1)");
  EXPECT_NE(error_of("a: b\xff\n").find("invalid YAML at byte 4"), std::string::npos);
  EXPECT_FALSE(load(std::string("a: \0b\n", 6)));
}

TEST(YamlTree, RealPnpmLockfile) {
  const std::string text = test::read_data("npm/pnpm-lock-v9.yaml");
  const auto doc = load(text);
  ASSERT_TRUE(doc) << doc.error().message;
  const Node root = doc->root();
  EXPECT_EQ(root.get("lockfileVersion").scalar(), "9.0");
  EXPECT_EQ(root.get("importers").get("packages/util").get("dependencies").get("ms").get("version").scalar(), "2.1.3");
  const Node packages = root.get("packages");
  ASSERT_TRUE(packages.is_map());
  EXPECT_EQ(packages.key(0).scalar(), "@sindresorhus/slugify@1.1.2");
  EXPECT_EQ(packages.value(0).get("engines").get("node").scalar(), ">=10");
  EXPECT_TRUE(parse_yaml_probe("p", text));
  EXPECT_FALSE(parse_yaml_probe("p", "[unclosed"));
}

}  // namespace
}  // namespace vigil::formats::yaml
