// Maps a method and a path to a handler. Patterns are literal segments and {name} parameters:
//   router.get("/groepen/{slug}", show_group);
// Literal segments win over parameters; HEAD falls back to GET (the server drops the body).
// Routes are added at start-up; after that match() is safe to call from many threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  void add(Method method, std::string_view pattern, Handler handler);
  void get(std::string_view pattern, Handler handler) { add(Method::Get, pattern, std::move(handler)); }
  void post(std::string_view pattern, Handler handler) { add(Method::Post, pattern, std::move(handler)); }

  struct Match {
    enum class Kind { Found, NotFound, MethodNotAllowed } kind = Kind::NotFound;
    const Handler* handler = nullptr;    // set when Found
    std::string pattern;                 // set when Found
    std::vector<std::pair<std::string, std::string>> params;  // set when Found
    std::vector<Method> allowed;         // set when MethodNotAllowed
  };

  // `path` is the decoded request path.
  Match match(Method method, std::string_view path) const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace http
