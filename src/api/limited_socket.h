// The sockets of `fupin serve` (api/server.cc only): a TCP socket whose reads pass through a
// HeadFilter (api/head_filter.h), so that a request head over its limits is refused before
// RESTinio parses it, and a refused connection lingers until its answer is read; and what
// the sockets of one server share. Plain asio; RESTinio stays in server.cc.
#pragma once

#include <algorithm>
#include <array>
#include <asio.hpp>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/head_filter.h"

namespace fupin::socket_limits {

// ---- what the sockets share: one server per process ----

struct NetworkState {
  HeadLimits limits;
  std::unique_ptr<UploadBudget> budget;
  std::function<bool(std::string_view token)> authorize;
  std::size_t max_connections_per_address = 256;
  std::mutex mutex;
  std::map<std::string, std::size_t> connections;  // open connections by client address
};
// Set while a server runs; every socket's state keeps its own reference.
inline std::shared_ptr<NetworkState> g_network;

// ---- the socket: a TCP socket whose reads pass through a HeadFilter ----

class LimitedSocket {
 public:
  using executor_type = asio::ip::tcp::socket::executor_type;

  explicit LimitedSocket(asio::io_context& io) : socket_(io) {}
  LimitedSocket(LimitedSocket&&) = default;
  LimitedSocket& operator=(LimitedSocket&&) = default;

  asio::ip::tcp::socket& lowest_layer() { return socket_; }
  const asio::ip::tcp::socket& lowest_layer() const { return socket_; }
  executor_type get_executor() { return socket_.get_executor(); }
  auto remote_endpoint() const { return socket_.remote_endpoint(); }
  bool is_open() const { return socket_.is_open(); }
  template <typename... Args>
  void cancel(Args&&... args) {
    socket_.cancel(std::forward<Args>(args)...);
  }
  void shutdown(asio::socket_base::shutdown_type what, asio::error_code& ec) {
    // After a refusal only the sending side closes here; see close().
    if (Refused()) what = asio::socket_base::shutdown_send;
    socket_.shutdown(what, ec);
  }
  void close() {
    if (!Refused()) {
      asio::error_code ignored;
      socket_.close(ignored);
      state_.reset();
      return;
    }
    // The refusal is written. Closing now, with the client still sending its body, would
    // reset the connection and could destroy the answer before the client reads it; so the
    // socket lingers, dropping what arrives, until the client closes or kLinger passes.
    auto linger = std::make_shared<Linger>(std::move(socket_));
    linger->Start(linger);
    if (state_->parked) {
      asio::post(state_->parked_executor, [parked = std::move(state_->parked)]() mutable {
        parked(asio::error::operation_aborted, 0);
      });
    }
  }
  template <typename... Args>
  auto async_write_some(Args&&... args) {
    return socket_.async_write_some(std::forward<Args>(args)...);
  }

  // Reads through the filter: delivers what it lets through, reads again while a head is
  // incomplete, and after a refused head reads and drops until the connection closes.
  template <typename Handler>
  void async_read_some(asio::mutable_buffer buffer, Handler&& handler) {
    if (!state_) state_ = std::make_unique<State>(socket_);
    auto executor = asio::get_associated_executor(handler, socket_.get_executor());
    if (Refused() && state_->ready.empty()) {
      // Nothing more goes to the parser; the read ends when the connection closes.
      auto shared = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
      state_->parked = [shared](const asio::error_code& ec, std::size_t n) { (*shared)(ec, n); };
      state_->parked_executor = executor;
      return;
    }
    if (!state_->ready.empty()) {
      const std::size_t n = Deliver(buffer);
      asio::post(executor,
                 [h = std::forward<Handler>(handler), n]() mutable { h(asio::error_code{}, n); });
      return;
    }
    socket_.async_read_some(
        asio::buffer(state_->scratch),
        asio::bind_executor(executor, [this, buffer, h = std::forward<Handler>(handler)](
                                          const asio::error_code& ec, std::size_t n) mutable {
          if (ec) return h(ec, std::size_t{0});
          state_->filter.Feed(std::string_view(state_->scratch.data(), n), state_->ready);
          if (state_->ready.empty()) return async_read_some(buffer, std::move(h));
          h(ec, Deliver(buffer));
        }));
  }

 private:
  static constexpr auto kLinger = std::chrono::seconds(2);

  static std::string AddressOf(const asio::ip::tcp::socket& socket) {
    asio::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    return ec ? std::string("?") : endpoint.address().to_string();
  }

  struct State {
    explicit State(const asio::ip::tcp::socket& socket)
        : network(g_network),
          address(AddressOf(socket)),
          filter(network->limits, address, network->authorize, network->budget.get()) {
      std::lock_guard<std::mutex> lock(network->mutex);
      // Too many connections from this address: its first request is answered 503.
      if (++network->connections[address] > network->max_connections_per_address) {
        filter.RefuseNextRequest(503);
      }
    }
    ~State() {
      std::lock_guard<std::mutex> lock(network->mutex);
      auto it = network->connections.find(address);
      if (it != network->connections.end() && --it->second == 0) network->connections.erase(it);
    }
    std::shared_ptr<NetworkState> network;
    std::string address;
    HeadFilter filter;
    std::string ready;  // filtered bytes not yet handed to the parser
    std::array<char, 16 * 1024> scratch{};
    std::function<void(const asio::error_code&, std::size_t)> parked;  // the parser's read
    asio::any_io_executor parked_executor;
  };

  // A refused connection's last moments: reads and drops until EOF or kLinger, then closes.
  // Its two handlers run on one strand: the io_context has two threads, and the timer's
  // handler (run, aborted, when the read ends first) closing the socket while the read's
  // handler closed it on the other thread was a double close that crashed the server.
  struct Linger {
    explicit Linger(asio::ip::tcp::socket s)
        : socket(std::move(s)), strand(asio::make_strand(socket.get_executor())), timer(strand) {}
    void Start(const std::shared_ptr<Linger>& self) {
      timer.expires_after(kLinger);
      timer.async_wait(asio::bind_executor(strand, [self](const asio::error_code&) {
        asio::error_code ignored;
        self->socket.close(ignored);
      }));
      asio::dispatch(strand, [self] { self->Read(self); });
    }
    void Read(const std::shared_ptr<Linger>& self) {
      socket.async_read_some(
          asio::buffer(drain),
          asio::bind_executor(strand, [self](const asio::error_code& ec, std::size_t) {
            if (!ec) return self->Read(self);
            self->timer.cancel();
            asio::error_code ignored;
            self->socket.close(ignored);
          }));
    }
    asio::ip::tcp::socket socket;
    asio::strand<asio::ip::tcp::socket::executor_type> strand;
    asio::steady_timer timer;
    std::array<char, 16 * 1024> drain{};
  };

  bool Refused() const { return state_ && state_->filter.refused(); }
  std::size_t Deliver(asio::mutable_buffer buffer) {
    const std::size_t n = std::min(buffer.size(), state_->ready.size());
    std::memcpy(buffer.data(), state_->ready.data(), n);
    state_->ready.erase(0, n);
    return n;
  }

  asio::ip::tcp::socket socket_;
  std::unique_ptr<State> state_;  // made on the first read (a moved-from socket is reused)
};

}  // namespace fupin::socket_limits
