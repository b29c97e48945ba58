// The jsonl and chrome sinks write valid JSON (checked by a strict parser) with the
// documented fields, whatever bytes the events carry and however the stream ends.
#include <signal.h>

#include <sstream>

#include <catch2/catch.hpp>

#include "chrome_sink.h"
#include "event_script.h"
#include "json_check.h"
#include "json_util.h"
#include "jsonl_sink.h"
#include "record_writer.h"
#include "replay_source.h"
#include "test_files.h"

using namespace gotrace;
using gotrace::test::EventScript;
using gotrace::test::Json;
using gotrace::test::JsonParser;
using gotrace::test::TempDir;

namespace {

// A script with every kind of event and awkward bytes.
std::vector<Event> sample() {
  EventScript s;
  s.start({"/usr/bin/go", "mod", "download"}).process(10).thread(10, 11, 10);
  s.enter(10, 11, SysNo::openat, {static_cast<uint64_t>(-100), 0x1000, 0}).data(11, 1, "/tmp/caf\xc3\xa9\xff\"\n");
  s.after_ms(2).exit(10, 11, -2);
  s.enter(10, 10, SysNo::write, {1, 0x2000, 4}).data(10, 1, std::string("\x01\x00\xff\x7f", 4));
  s.after(Nanos(1500)).exit(10, 10, 4);
  s.enter(10, 11, SysNo::futex, {0x3000, 0x80, 0, 0});  // still blocked at the end
  s.signal(10, 10, SIGURG).tick().after_ms(5);
  s.thread_exit(10, 10, SIGKILL);
  std::vector<Event> v = s.events();
  Snapshot snap;
  snap.fds = {{3, "socket:[1]"}, {4, "TCP:[127.0.0.1:2->127.0.0.1:1] ESTABLISHED"}};
  snap.fds[1].tcp_state = 1;  // with the kernel's TCP facts
  snap.fds[1].last_send_ms = 2100;
  snap.fds[1].bytes_sent = 312;
  snap.fds[1].last_recv_ms = 2400;
  snap.fds.push_back({5, "/tmp/x.zip1.tmp"});  // a regular file: size and age
  snap.fds[2].file_size = 0;
  snap.fds[2].modified_ms = 1602;
  snap.env = {{"GOPROXY", "http://127.0.0.1:1"}};
  snap.threads = {ThreadState{Tid{10}, 0, {1, 2, 3, 4, 5, 6}, 'S', "do_wait"}};
  v.insert(v.begin() + 2, Event{Nanos(0), Pid{10}, Tid{10}, snap});
  v.insert(v.begin() + 3, Event{Nanos(0), Pid{10}, Tid{10}, Exec{"/usr/bin/go", {"go", "env"}, Tid{10}}});
  v.push_back({v.back().ts, Pid{0}, Tid{0}, TraceEnd{EndReason::Interrupted, SIGKILL}});
  return v;
}

template <typename Sink>
std::string run_sink(const TempDir& dir, const std::vector<Event>& events) {
  std::string path = dir.file("out.json");
  {
    auto out = Output::open_file(path);
    Sink sink(*out);
    for (const Event& e : events) sink.on_event(e);
  }
  return test::read_file(path);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

}  // namespace

TEST_CASE("jsonl: a schema line, then one valid object per event", "[sink][json]") {
  TempDir dir;
  std::vector<Event> events = sample();
  std::vector<std::string> lines = lines_of(run_sink<sinks::JsonlSink>(dir, events));
  REQUIRE(lines.size() == events.size() + 1);
  CHECK(lines[0] == R"({"schema_version":1,"format":"gotrace-events"})");
  std::vector<Json> objs;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    INFO(lines[i]);
    std::optional<Json> j = JsonParser::parse(lines[i]);
    REQUIRE(j);
    REQUIRE(j->is_object());
    for (const char* key : {"ts_ns", "pid", "tid", "type"}) CHECK(j->has(key));
    objs.push_back(*j);
  }
  std::vector<std::string> types;
  for (const Json& j : objs) types.push_back(j["type"].ascii());
  CHECK(types == std::vector<std::string>{"trace_start", "process_start", "snapshot", "exec", "thread_start",
                                          "syscall_enter", "syscall_exit", "syscall_enter", "syscall_exit",
                                          "syscall_enter", "signal", "tick", "thread_exit", "trace_end"});
  const Json& failed = objs[6];
  CHECK(failed["syscall"].ascii() == "openat");
  CHECK(failed["ret"].number == "-2");
  CHECK(failed["errno"].ascii() == "ENOENT");
  CHECK(failed["duration_ns"].number == "2000000");
  REQUIRE(failed["args"].size() == 4);
  const Json& path = failed["args"][1];
  CHECK(path["kind"].ascii() == "Path");
  CHECK(path["state"].ascii() == "captured");
  CHECK(path["data"].str() == U"/tmp/caf\u00c3\u00a9\u00ff\"\n");  // one code point per byte
  CHECK(failed["args"][0]["raw"].number == "18446744073709551516");
  const Json& write = objs[8];
  CHECK_FALSE(write.has("errno"));
  CHECK(write["args"][1]["data"].str() == std::u32string{1, 0, 0xff, 0x7f});
  CHECK(objs[2]["env"][0]["name"].ascii() == "GOPROXY");
  CHECK_FALSE(objs[2]["fds"][0].has("tcp"));
  const Json& tcp = objs[2]["fds"][1]["tcp"];
  CHECK(tcp["state"].number == "1");
  CHECK(tcp["last_send_ms"].number == "2100");
  CHECK(tcp["last_recv_ms"].number == "2400");
  CHECK(tcp["bytes_sent"].number == "312");
  CHECK(tcp["bytes_received"].number == "0");
  CHECK_FALSE(objs[2]["fds"][1].has("size"));
  CHECK(objs[2]["fds"][2]["size"].number == "0");
  CHECK(objs[2]["fds"][2]["modified_ms"].number == "1602");
  CHECK(objs[3]["argv"][1].ascii() == "env");
  CHECK(objs[10]["signal"].ascii() == "SIGURG");
  CHECK(objs[12]["killed_by"].ascii() == "SIGKILL");
  CHECK(objs[13]["reason"].ascii() == "interrupted");
}

TEST_CASE("json strings: UTF-8 text passes, invalid bytes and controls are escaped", "[sink][json]") {
  auto quoted = [](std::string_view s, sinks::JsonText mode) {
    std::string out;
    sinks::append_json_string(out, s, mode);
    return out;
  };
  CHECK(quoted("caf\xc3\xa9", sinks::JsonText::Utf8) == "\"caf\xc3\xa9\"");
  CHECK(quoted("caf\xc3\xa9", sinks::JsonText::Bytes) == "\"caf\\u00c3\\u00a9\"");
  CHECK(quoted("\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x82", sinks::JsonText::Utf8) ==
        "\"\\u00c0\\u00af|\\u00ed\\u00a0\\u0080|\\u00f4\\u0090\\u0080\\u0080|\\u00e2\\u0082\"");
  CHECK(quoted(std::string("\0\x1f\x7f\\\"\t", 6), sinks::JsonText::Utf8) == "\"\\u0000\\u001f\\u007f\\\\\\\"\\t\"");
  for (int b = 0; b < 256; ++b) {
    std::string s(1, static_cast<char>(b));
    CHECK(JsonParser::parse(quoted(s + "\xe2\x82\xac" + s, sinks::JsonText::Utf8)));
    CHECK(JsonParser::parse(quoted(s, sinks::JsonText::Bytes))->str() == std::u32string(1, static_cast<char32_t>(b)));
  }
}

TEST_CASE("chrome: complete events, unfinished calls, signals and names", "[sink][chrome]") {
  TempDir dir;
  std::string text = run_sink<sinks::ChromeSink>(dir, sample());
  std::optional<Json> doc = JsonParser::parse(text);
  REQUIRE(doc);
  const Json& evs = (*doc)["traceEvents"];
  std::map<std::string, std::vector<const Json*>> by_ph;
  for (std::size_t i = 0; i < evs.size(); ++i) by_ph[evs[i]["ph"].ascii()].push_back(&evs[i]);
  REQUIRE(by_ph["X"].size() == 3);
  const Json& open = *by_ph["X"][0];
  CHECK(open["name"].ascii() == "openat");
  CHECK(open["cat"].ascii() == "syscall");
  CHECK(open["pid"].number == "10");
  CHECK(open["tid"].number == "11");
  CHECK(open["dur"].num() == Approx(2000.0));
  CHECK(open["args"]["ret"].number == "-2");
  CHECK(open["args"]["errno"].ascii() == "ENOENT");
  CHECK((*by_ph["X"][1])["dur"].num() == Approx(1.5));
  const Json& blocked = *by_ph["X"][2];  // futex, in flight at the end
  CHECK(blocked["name"].ascii() == "futex");
  CHECK(blocked["args"]["unfinished"].is_true());
  CHECK(blocked["dur"].num() == Approx(5000.0));  // entered at 2.0015 ms, trace ended at 7.0015
  REQUIRE(by_ph["i"].size() == 2);
  CHECK((*by_ph["i"][0])["name"].ascii() == "SIGURG");
  CHECK((*by_ph["i"][1])["name"].ascii() == "killed by SIGKILL");
  std::vector<std::string> names;
  for (const Json* m : by_ph["M"]) names.push_back((*m)["name"].ascii() + "=" + (*m)["args"]["name"].ascii());
  // ProcessStart argv ["prog"], then Exec ["go", "env"], then the second thread.
  CHECK(names == std::vector<std::string>{"process_name=prog", "thread_name=prog", "process_name=go",
                                          "thread_name=go", "thread_name=go"});
}

TEST_CASE("chrome output stays valid JSON when the stream ends early", "[sink][chrome]") {
  TempDir dir;
  std::vector<Event> events = sample();
  events.resize(8);  // no TraceEnd: the sink closes the array when destroyed
  CHECK(JsonParser::parse(run_sink<sinks::ChromeSink>(dir, events)));

  // A recording cut short replays with TraceEnd{Truncated}: same result.
  std::string gtr = dir.file("cut.gtr");
  {
    record::RecordWriter w(gtr);
    for (const Event& e : events) w.on_event(e);
  }
  std::string out_path = dir.file("cut.json");
  {
    auto out = Output::open_file(out_path);
    sinks::ChromeSink sink(*out);
    record::ReplaySource src(gtr + ".partial");
    src.run(sink);
    CHECK(src.truncated());
  }
  std::optional<Json> doc = JsonParser::parse(test::read_file(out_path));
  REQUIRE(doc);
  CHECK((*doc)["traceEvents"].size() > 3);
}
