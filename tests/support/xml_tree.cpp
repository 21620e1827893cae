#include "support/xml_tree.h"

#include <expat.h>

#include <memory>

namespace testing_support {

namespace {

bool has_local_name(const std::string& name, std::string_view local) {
  const std::size_t bar = name.rfind('|');
  const std::string_view tail = bar == std::string::npos ? std::string_view(name) : std::string_view(name).substr(bar + 1);
  return tail == local;
}

struct Builder {
  XmlElement root;
  std::vector<XmlElement*> open;
  bool has_root = false;
};

void on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* builder = static_cast<Builder*>(data);
  XmlElement element;
  element.name = name;
  for (std::size_t i = 0; attributes[i] != nullptr; i += 2) element.attributes[attributes[i]] = attributes[i + 1];
  if (builder->open.empty()) {
    builder->root = std::move(element);
    builder->has_root = true;
    builder->open.push_back(&builder->root);
  } else {
    builder->open.back()->children.push_back(std::move(element));
    builder->open.push_back(&builder->open.back()->children.back());
  }
}

void on_end(void* data, const XML_Char*) { static_cast<Builder*>(data)->open.pop_back(); }

void on_text(void* data, const XML_Char* text, int length) {
  auto* builder = static_cast<Builder*>(data);
  if (!builder->open.empty()) builder->open.back()->text.append(text, static_cast<std::size_t>(length));
}

}  // namespace

std::vector<const XmlElement*> XmlElement::all(std::string_view local) const {
  std::vector<const XmlElement*> found;
  for (const XmlElement& child : children) {
    if (has_local_name(child.name, local)) found.push_back(&child);
  }
  return found;
}

const XmlElement* XmlElement::first(std::string_view local) const {
  for (const XmlElement& child : children) {
    if (has_local_name(child.name, local)) return &child;
  }
  return nullptr;
}

std::string XmlElement::text_of(std::string_view local) const {
  const XmlElement* child = first(local);
  return child ? child->text : std::string();
}

std::string XmlElement::attribute(std::string_view name) const {
  const auto found = attributes.find(std::string(name));
  return found == attributes.end() ? std::string() : found->second;
}

XmlParseResult parse_xml(std::string_view document) {
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreateNS("UTF-8", '|'),
                                                                       &XML_ParserFree);
  Builder builder;
  XML_SetUserData(parser.get(), &builder);
  XML_SetElementHandler(parser.get(), &on_start, &on_end);
  XML_SetCharacterDataHandler(parser.get(), &on_text);
  XmlParseResult result;
  if (XML_Parse(parser.get(), document.data(), static_cast<int>(document.size()), /*isFinal=*/1) ==
      XML_STATUS_ERROR) {
    result.error = std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) + " at line " +
                   std::to_string(XML_GetCurrentLineNumber(parser.get())) + ", column " +
                   std::to_string(XML_GetCurrentColumnNumber(parser.get()));
    return result;
  }
  if (builder.has_root) result.root = std::move(builder.root);
  return result;
}

}  // namespace testing_support
