"""`vigil watch --incidents URL --token T`: detections reach a real HTTP server as batches of incidents events
(the shape `POST /api/v1/events` takes), with the bearer token, retried after a 503, and the token never printed."""
import http.server
import json
import os
import subprocess
import threading
import unittest

from vigil_e2e import DATA, VIGIL

EVENTS = os.path.join(DATA, "watch", "events")
TOKEN = "vigil-test-token-7f3a"


class Recorder(http.server.BaseHTTPRequestHandler):
    answers = []  # statuses to give, in order; then 202
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = Recorder.answers.pop(0) if Recorder.answers else 202
        Recorder.received.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                  "type": self.headers.get("Content-Type"), "status": status,
                                  "body": json.loads(body)})
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class WatchIncidentsTest(unittest.TestCase):
    def setUp(self):
        Recorder.answers = []
        Recorder.received = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.serving = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1/events"

    def tearDown(self):
        self.stop_server()

    def stop_server(self):
        if self.serving:
            self.server.shutdown()
            self.server.server_close()
            self.serving = False

    def watch(self, *args, env=None):
        return subprocess.run([VIGIL, "watch", "--replay", os.path.join(EVENTS, "webshell.jsonl"), *args],
                              capture_output=True, text=True, timeout=120, env=env)

    def test_detections_become_incident_events(self):
        proc = self.watch("--incidents", self.url, "--token", TOKEN)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        printed = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertTrue(printed)
        self.assertEqual(len(Recorder.received), 1)
        request = Recorder.received[0]
        self.assertEqual(request["path"], "/api/v1/events")
        self.assertEqual(request["auth"], f"Bearer {TOKEN}")
        self.assertEqual(request["type"], "application/json")
        events = request["body"]
        self.assertEqual([e["rule"] for e in events], [d["rule"] for d in printed])
        for event, detection in zip(events, printed):
            self.assertEqual(event["source"], "vigil-watch")
            self.assertIn(event["severity"], ("low", "medium", "high", "critical"))
            self.assertEqual(event["title"], detection["output"])
            self.assertEqual(event["time"], detection["time"])
            self.assertTrue(event["subject"].endswith(":" + detection["process"]["exe"]))
            self.assertEqual(event["details"], detection)
        self.assertNotIn(TOKEN, proc.stderr + proc.stdout)

    def test_token_from_the_environment_and_retry_after_503(self):
        Recorder.answers = [503]
        env = dict(os.environ, VIGIL_INCIDENTS_TOKEN=TOKEN)
        proc = self.watch("--incidents", self.url, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([r["status"] for r in Recorder.received], [503, 202])
        self.assertEqual(Recorder.received[0]["body"], Recorder.received[1]["body"])
        self.assertEqual(Recorder.received[1]["auth"], f"Bearer {TOKEN}")
        self.assertIn("incidents endpoint: HTTP 503", proc.stderr)
        self.assertNotIn(TOKEN, proc.stderr)

    def test_unreachable_endpoint_is_reported_not_fatal(self):
        self.stop_server()
        proc = self.watch("--incidents", self.url, "--token", TOKEN)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.strip())  # detections still written
        self.assertIn("could not be delivered", proc.stderr)
        self.assertNotIn(TOKEN, proc.stderr)


if __name__ == "__main__":
    unittest.main()
