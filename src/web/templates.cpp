// GCC 12 sees a "potential null pointer dereference" in std::vector code that kainjow's parser
// instantiates (its context stack); a false positive in library code, silenced for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "web/templates.h"

#include <stdexcept>
#include <vector>

#include "util/resources.h"

namespace web {

namespace {

constexpr std::string_view kTemplateDirectory = "resources/templates/";
constexpr std::string_view kPartialDirectory = "resources/templates/partials/";
constexpr std::string_view kExtension = ".mustache";
// Partials that include partials are fine; a cycle is a template bug.
constexpr int kMaxPartialDepth = 8;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Catalog text goes into the template source before mustache parses it, so it is escaped for HTML
// and its braces are neutralised: a translation can never become a mustache tag.
void append_literal_text(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '{') {
      out += "&#123;";
    } else if (c == '}') {
      out += "&#125;";
    } else {
      append_html_escaped(out, std::string_view(&c, 1));
    }
  }
}

void expand_into(std::string& out, std::string_view source, std::string_view language, const Catalog& catalog,
                 const Templates::Sources& partials, int depth) {
  if (depth > kMaxPartialDepth) {
    throw std::runtime_error("partials nest deeper than " + std::to_string(kMaxPartialDepth) +
                             " levels (a partial includes itself?)");
  }
  std::size_t position = 0;
  while (true) {
    const std::size_t open = source.find("{{", position);
    if (open == std::string_view::npos) {
      out.append(source.substr(position));
      return;
    }
    out.append(source.substr(position, open - position));
    const std::string_view rest = source.substr(open + 2);
    if (rest.starts_with("=")) {
      throw std::runtime_error("changing mustache delimiters ({{=...=}}) is not supported");
    }
    const bool is_translation = rest.starts_with("t:");
    const bool is_partial = rest.starts_with(">");
    if (!is_translation && !is_partial) {
      out.append("{{");
      position = open + 2;
      continue;
    }
    const std::size_t close = rest.find("}}");
    if (close == std::string_view::npos) throw std::runtime_error("an unclosed {{ tag");
    if (is_translation) {
      const std::string_view key = trim(rest.substr(2, close - 2));
      if (!catalog.has(key)) throw std::runtime_error("unknown message key '" + std::string(key) + "'");
      append_literal_text(out, catalog.text(language, key));
    } else {
      const std::string_view name = trim(rest.substr(1, close - 1));
      auto partial = partials.find(name);
      if (partial == partials.end()) {
        throw std::runtime_error("unknown partial '" + std::string(name) + "'");
      }
      expand_into(out, partial->second, language, catalog, partials, depth + 1);
    }
    position = open + 2 + close + 2;
  }
}

// kainjow's own context inserts at the front of a vector and splits dotted names with a
// stringstream on every lookup; this one keeps the innermost scope at the back and splits in place.
// Partials are inlined before parsing, so none are looked up here.
class RenderContext final : public kainjow::mustache::basic_context<std::string> {
 public:
  using Data = kainjow::mustache::data;

  explicit RenderContext(const Data* root) {
    scopes_.reserve(8);
    scopes_.push_back(root);
  }

  void push(const Data* data) override { scopes_.push_back(data); }
  void pop() override { scopes_.pop_back(); }

  const Data* get(const std::string& name) const override {
    if (name == ".") return scopes_.back();
    const auto dot = name.find('.');
    for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
      if (dot == std::string::npos) {
        if (const Data* found = (*scope)->get(name)) return found;
        continue;
      }
      // "a.b.c": resolve "a" in this scope, then walk down; the first scope with all parts wins.
      const Data* found = *scope;
      std::string_view rest = name;
      while (found != nullptr && !rest.empty()) {
        const auto end = rest.find('.');
        found = found->get(std::string(rest.substr(0, end)));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      }
      if (found != nullptr) return found;
    }
    return nullptr;
  }

  const Data* get_partial(const std::string&) const override { return nullptr; }

 private:
  std::vector<const Data*> scopes_;
};

// kainjow renders into any "stream" with operator<<; appending to a string avoids an ostringstream.
struct StringSink {
  std::string& out;
  StringSink& operator<<(const std::string& piece) {
    out += piece;
    return *this;
  }
};

}  // namespace

void append_html_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_html_escaped(out, text);
  return out;
}

Templates::Templates(Templates&&) noexcept = default;
Templates& Templates::operator=(Templates&&) noexcept = default;
Templates::~Templates() = default;

std::string Templates::expand(std::string_view source, std::string_view language, const Catalog& catalog,
                              const Sources& partials) {
  std::string out;
  out.reserve(source.size() + source.size() / 2);
  expand_into(out, source, language, catalog, partials, 0);
  return out;
}

Templates Templates::load_embedded(const Catalog& catalog) {
  Sources templates, partials;
  for (const auto& resource : util::resources_under(kTemplateDirectory)) {
    if (!resource.path.ends_with(kExtension)) continue;
    if (resource.path.starts_with(kPartialDirectory)) {
      std::string_view name = resource.path.substr(kPartialDirectory.size());
      name.remove_suffix(kExtension.size());
      partials.emplace(std::string(name), std::string(resource.content));
    } else {
      std::string_view name = resource.path.substr(kTemplateDirectory.size());
      name.remove_suffix(kExtension.size());
      templates.emplace(std::string(name), std::string(resource.content));
    }
  }
  if (templates.empty())
    throw std::runtime_error("no templates are embedded under " + std::string(kTemplateDirectory));
  return from_sources(catalog, templates, partials);
}

Templates Templates::from_sources(const Catalog& catalog, const Sources& templates, const Sources& partials) {
  Templates result;
  for (auto language : kLanguages) {
    auto& parsed = result.parsed_[std::string(language)];
    for (const auto& [name, source] : templates) {
      const std::string where = "template '" + name + "' (" + std::string(language) + ")";
      std::string expanded;
      try {
        expanded = expand(source, language, catalog, partials);
      } catch (const std::runtime_error& error) {
        throw std::runtime_error(where + ": " + error.what());
      }
      auto compiled = std::make_unique<kainjow::mustache::mustache>(expanded);
      if (!compiled->is_valid()) throw std::runtime_error(where + ": " + compiled->error_message());
      parsed.emplace(name, std::move(compiled));
    }
  }
  return result;
}

bool Templates::contains(std::string_view name) const {
  const auto& parsed = parsed_.begin()->second;
  return parsed.find(name) != parsed.end();
}

void Templates::render(std::string_view language, std::string_view name, const kainjow::mustache::data& data,
                       std::string& out) const {
  auto by_language = parsed_.find(language);
  if (by_language == parsed_.end()) by_language = parsed_.find(kDefaultLanguage);
  auto found = by_language->second.find(name);
  if (found == by_language->second.end()) {
    throw std::out_of_range("unknown template '" + std::string(name) + "'");
  }
  kainjow::mustache::mustache& compiled = *found->second;
  RenderContext context(&data);
  StringSink sink{out};
  compiled.render(context, sink);
  if (!compiled.is_valid()) {
    throw std::runtime_error("template '" + std::string(name) + "' failed: " + compiled.error_message());
  }
}

}  // namespace web
