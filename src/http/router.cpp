#include "http/router.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace http {

// A trie over path segments: each node has literal children, at most one {parameter} child, and
// the handlers of the routes that end at it.
struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> parameter;
  std::string parameter_name;
  std::vector<std::pair<Method, Handler>> handlers;
  std::string pattern;
};

namespace {

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  // "/" is one empty segment; "/groepen/" keeps a trailing empty segment so it differs from "/groepen".
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::add(Method method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  Node* node = root_.get();
  for (std::string_view segment : split_segments(pattern)) {
    if (is_parameter(segment)) {
      std::string name(segment.substr(1, segment.size() - 2));
      if (!node->parameter) {
        node->parameter = std::make_unique<Node>();
        node->parameter_name = name;
      } else if (node->parameter_name != name) {
        throw std::invalid_argument("conflicting parameter names in route " + std::string(pattern));
      }
      node = node->parameter.get();
    } else {
      auto& child = node->literals[std::string(segment)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
    }
  }
  for (const auto& [existing, ignored] : node->handlers) {
    if (existing == method) {
      throw std::invalid_argument("route added twice: " + std::string(to_string(method)) + " " +
                                  std::string(pattern));
    }
  }
  node->pattern = std::string(pattern);
  node->handlers.emplace_back(method, std::move(handler));
}

Router::Match Router::match(Method method, std::string_view path) const {
  Match result;
  if (path.empty() || path.front() != '/') return result;

  // Depth-first so a literal segment wins over a parameter, with backtracking when the literal
  // branch dead-ends (e.g. "/groepen/nieuw/x" may still match "/groepen/{slug}/x").
  const std::vector<std::string_view> segments = split_segments(path);
  std::vector<std::pair<std::string, std::string>> params;

  auto walk = [&](auto&& self, const Node* node, std::size_t index) -> const Node* {
    if (index == segments.size()) return node->handlers.empty() ? nullptr : node;
    const std::string_view segment = segments[index];
    if (auto literal = node->literals.find(segment); literal != node->literals.end()) {
      if (const Node* found = self(self, literal->second.get(), index + 1)) return found;
    }
    if (node->parameter && !segment.empty()) {
      params.emplace_back(node->parameter_name, std::string(segment));
      if (const Node* found = self(self, node->parameter.get(), index + 1)) return found;
      params.pop_back();
    }
    return nullptr;
  };

  const Node* node = walk(walk, root_.get(), 0);
  if (node == nullptr) return result;

  const Method wanted = method == Method::Head ? Method::Get : method;
  for (const auto& [route_method, handler] : node->handlers) {
    if (route_method == method || route_method == wanted) {
      result.kind = Match::Kind::Found;
      result.handler = &handler;
      result.pattern = node->pattern;
      result.params = std::move(params);
      return result;
    }
  }
  result.kind = Match::Kind::MethodNotAllowed;
  for (const auto& [route_method, ignored] : node->handlers) {
    result.allowed.push_back(route_method);
    if (route_method == Method::Get) result.allowed.push_back(Method::Head);
  }
  return result;
}

}  // namespace http
