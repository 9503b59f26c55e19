// A webhook receiver for notifier tests: cpp-httplib on 127.0.0.1 with an ephemeral port, recording every request
// and answering a programmable status.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vigil::incidents::test {

class WebhookSink {
 public:
  struct Request {
    std::string path;
    std::string body;
    httplib::Headers headers;
    [[nodiscard]] std::string header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? "" : it->second;
    }
  };

  WebhookSink() {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      int status = 200;
      std::function<void()> hook;
      {
        std::lock_guard lock(mu_);
        requests_.push_back({req.path, req.body, req.headers});
        if (fail_next_ > 0) {
          --fail_next_;
          status = fail_status_;
        }
        hook = on_request_;
      }
      if (hook) hook();
      res.status = status;
      res.set_content(status < 300 ? "ok" : "receiver trouble", "text/plain");
      cv_.notify_all();
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~WebhookSink() {
    server_.stop();
    thread_.join();
  }
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void fail_next(int count, int status = 500) {
    std::lock_guard lock(mu_);
    fail_next_ = count;
    fail_status_ = status;
  }
  // Runs on the server thread when a request arrives, before it is answered.
  void on_request(std::function<void()> hook) {
    std::lock_guard lock(mu_);
    on_request_ = std::move(hook);
  }
  // Waits until at least n requests arrived (or the timeout passed); returns them all.
  std::vector<Request> wait_for(size_t n, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
    return requests_;
  }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> requests_;
  int fail_next_ = 0;
  int fail_status_ = 500;
  std::function<void()> on_request_;
};

}  // namespace vigil::incidents::test
