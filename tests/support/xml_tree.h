// Test support: parses an XML document with expat (a conforming, non-validating parser) into a small
// tree, so tests can read back what the server wrote (Atom feeds) field by field. A document that is
// not well-formed is refused with expat's message and line.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace testing_support {

struct XmlElement {
  std::string name;  // with namespaces resolved: "http://www.w3.org/2005/Atom|entry"
  std::map<std::string, std::string> attributes;  // likewise ("http://www.w3.org/XML/1998/namespace|lang")
  std::string text;                               // the character data directly inside, entities decoded
  std::vector<XmlElement> children;

  // Children whose name ends in "|local" (or equals `local` without a namespace).
  std::vector<const XmlElement*> all(std::string_view local) const;
  // The first such child, or nullptr.
  const XmlElement* first(std::string_view local) const;
  // The first such child's text, or "" when there is none.
  std::string text_of(std::string_view local) const;
  std::string attribute(std::string_view name) const;  // "" when absent
};

struct XmlParseResult {
  std::optional<XmlElement> root;  // empty when the document is not well-formed
  std::string error;               // expat's message with the line and column
};

XmlParseResult parse_xml(std::string_view document);

}  // namespace testing_support
