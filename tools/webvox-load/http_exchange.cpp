#include "http_exchange.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <stdexcept>

namespace webvox::load {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// The exchange owns everything until it completes.
struct Exchange {
  explicit Exchange(boost::asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  http::request<http::string_body> request;
  http::response_parser<http::string_body> parser;
  beast::flat_buffer buffer;
  std::function<void(std::optional<HttpReply>)> done;
};

}  // namespace

boost::asio::ip::tcp::endpoint parse_server(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--server wants HOST:PORT");
  return {boost::asio::ip::make_address(text.substr(0, colon)),
          static_cast<std::uint16_t>(std::stoul(text.substr(colon + 1)))};
}

void http_exchange(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& server,
                   HttpRequest request, std::function<void(std::optional<HttpReply>)> done) {
  auto exchange = std::make_shared<Exchange>(io);
  exchange->done = std::move(done);
  exchange->parser.body_limit(4 * 1024 * 1024);
  auto& message = exchange->request;
  message = {request.method == "GET" ? http::verb::get : http::verb::post, request.target, 11};
  message.set(http::field::host,
              server.address().to_string() + ":" + std::to_string(server.port()));
  message.set(http::field::accept, "application/json");
  if (request.method != "GET") message.set(http::field::content_type, request.content_type);
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = std::move(request.body);
  message.prepare_payload();
  exchange->stream.expires_after(request.timeout);
  exchange->stream.async_connect(server, [exchange](beast::error_code error) {
    if (error) return exchange->done(std::nullopt);
    http::async_write(
        exchange->stream, exchange->request, [exchange](beast::error_code error, std::size_t) {
          if (error) return exchange->done(std::nullopt);
          http::async_read(
              exchange->stream, exchange->buffer, exchange->parser,
              [exchange](beast::error_code error, std::size_t) {
                beast::error_code ignored;
                exchange->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both,
                                                   ignored);
                if (error) return exchange->done(std::nullopt);
                auto response = exchange->parser.release();
                exchange->done(HttpReply{response.result_int(), std::move(response.body())});
              });
        });
  });
}

}  // namespace webvox::load
