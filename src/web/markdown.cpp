#include "web/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>

namespace web {

namespace {

// Never CMARK_OPT_UNSAFE: raw HTML and dangerous URLs stay out of the output.
constexpr int kOptions = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
constexpr const char* kExtensions[] = {"table", "autolink", "strikethrough", "tasklist"};
constexpr std::string_view kLinkOpen = "<a href=\"";
constexpr std::string_view kSafeLinkOpen = "<a rel=\"nofollow ugc noopener\" href=\"";

struct ParserDeleter {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct CharsDeleter {
  void operator()(char* text) const { std::free(text); }
};

// With raw HTML suppressed, "<a href=\"" can only come from the renderer (text is escaped to
// "&lt;a"), so a textual rewrite reaches exactly the links and autolinks.
std::string add_link_rel(std::string_view html) {
  std::string out;
  out.reserve(html.size() + 64);
  std::size_t start = 0;
  for (;;) {
    const std::size_t found = html.find(kLinkOpen, start);
    if (found == std::string_view::npos) break;
    out.append(html.substr(start, found - start));
    out.append(kSafeLinkOpen);
    start = found + kLinkOpen.size();
  }
  out.append(html.substr(start));
  return out;
}

using Document = std::unique_ptr<cmark_node, NodeDeleter>;

// Parses `markdown` with the GFM extensions; the parser's extension list is needed again to render.
struct Parsed {
  std::unique_ptr<cmark_parser, ParserDeleter> parser;
  Document document;
};

Parsed parse(std::string_view markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });

  Parsed parsed;
  parsed.parser.reset(cmark_parser_new(kOptions));
  if (!parsed.parser) throw std::bad_alloc();
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* extension = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parsed.parser.get(), extension);
    }
  }
  cmark_parser_feed(parsed.parser.get(), markdown.data(), markdown.size());
  parsed.document.reset(cmark_parser_finish(parsed.parser.get()));
  if (!parsed.document) throw std::bad_alloc();
  // Extensions split text at their trigger characters; whole runs of text make mentions findable.
  cmark_consolidate_text_nodes(parsed.document.get());
  return parsed;
}

std::string render(const Parsed& parsed) {
  std::unique_ptr<char, CharsDeleter> html(cmark_render_html(parsed.document.get(), kOptions,
                                                             cmark_parser_get_syntax_extensions(parsed.parser.get())));
  if (!html) throw std::bad_alloc();
  return add_link_rel(html.get());
}

bool is_handle_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '\'';
}

bool is_word_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct MentionAt {
  std::size_t at = 0;      // the '@'
  std::size_t length = 0;  // '@' and handle
  std::string handle;
};

// The mentions in one run of text.
std::vector<MentionAt> mentions_in(std::string_view text) {
  std::vector<MentionAt> found;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@' || (i > 0 && (is_word_byte(text[i - 1]) || text[i - 1] == '@'))) continue;
    std::size_t end = i + 1;
    while (end < text.size() && is_handle_byte(text[end])) ++end;
    while (end > i + 1 && (text[end - 1] == '-' || text[end - 1] == '\'' || text[end - 1] == '_')) --end;
    if (end - i < 3) continue;  // at least two characters
    if (!is_word_byte(text[i + 1])) continue;
    found.push_back(MentionAt{i, end - i, std::string(text.substr(i + 1, end - i - 1))});
    i = end - 1;
  }
  return found;
}

// The text nodes where a mention may stand: not inside a link (autolinked addresses included).
std::vector<cmark_node*> mention_text_nodes(cmark_node* document) {
  std::vector<cmark_node*> nodes;
  cmark_iter* iter = cmark_iter_new(document);
  if (iter == nullptr) throw std::bad_alloc();
  for (cmark_event_type event = cmark_iter_next(iter); event != CMARK_EVENT_DONE; event = cmark_iter_next(iter)) {
    cmark_node* node = cmark_iter_get_node(iter);
    if (event != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_TEXT) continue;
    bool in_link = false;
    for (cmark_node* parent = cmark_node_parent(node); parent != nullptr; parent = cmark_node_parent(parent)) {
      if (cmark_node_get_type(parent) == CMARK_NODE_LINK) in_link = true;
    }
    if (!in_link) nodes.push_back(node);
  }
  cmark_iter_free(iter);
  return nodes;
}

cmark_node* text_node(std::string_view text) {
  cmark_node* node = cmark_node_new(CMARK_NODE_TEXT);
  if (node == nullptr) throw std::bad_alloc();
  cmark_node_set_literal(node, std::string(text).c_str());
  return node;
}

}  // namespace

std::string render_markdown(std::string_view markdown) { return render(parse(markdown)); }

std::vector<std::string> find_mentions(std::string_view markdown) {
  if (markdown.find('@') == std::string_view::npos) return {};
  const Parsed parsed = parse(markdown);
  std::vector<std::string> handles;
  for (cmark_node* node : mention_text_nodes(parsed.document.get())) {
    const char* literal = cmark_node_get_literal(node);
    for (MentionAt& mention : mentions_in(literal == nullptr ? "" : literal)) {
      if (std::find(handles.begin(), handles.end(), mention.handle) == handles.end()) {
        handles.push_back(std::move(mention.handle));
      }
    }
  }
  return handles;
}

std::string render_markdown(std::string_view markdown,
                            const std::map<std::string, std::string, std::less<>>& mention_urls) {
  const Parsed parsed = parse(markdown);
  if (mention_urls.empty()) return render(parsed);
  for (cmark_node* node : mention_text_nodes(parsed.document.get())) {
    const char* literal = cmark_node_get_literal(node);
    const std::string text = literal == nullptr ? "" : literal;
    std::size_t done = 0;
    bool changed = false;
    for (const MentionAt& mention : mentions_in(text)) {
      const auto url = mention_urls.find(mention.handle);
      if (url == mention_urls.end()) continue;
      if (mention.at > done) cmark_node_insert_before(node, text_node(std::string_view(text).substr(done, mention.at - done)));
      cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
      if (link == nullptr) throw std::bad_alloc();
      cmark_node_set_url(link, url->second.c_str());
      cmark_node_append_child(link, text_node(std::string_view(text).substr(mention.at, mention.length)));
      cmark_node_insert_before(node, link);
      done = mention.at + mention.length;
      changed = true;
    }
    if (changed) cmark_node_set_literal(node, text.substr(done).c_str());
  }
  return render(parsed);
}

}  // namespace web
