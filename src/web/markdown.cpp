#include "web/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

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

}  // namespace

std::string render_markdown(std::string_view markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });

  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(kOptions));
  if (!parser) throw std::bad_alloc();
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* extension = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), extension);
    }
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> document(cmark_parser_finish(parser.get()));
  if (!document) throw std::bad_alloc();
  std::unique_ptr<char, CharsDeleter> html(
      cmark_render_html(document.get(), kOptions, cmark_parser_get_syntax_extensions(parser.get())));
  if (!html) throw std::bad_alloc();
  return add_link_rel(html.get());
}

}  // namespace web
