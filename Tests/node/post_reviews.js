#!/usr/bin/env node
// Posts N reviews one after another with Node's own http module and its default agent (which pools sockets since
// Node 19), every other request saying `Connection: close` as the seed's load client (node-fetch 2) does, the others
// keeping the connection, and counts what came back.
//   node Tests/node/post_reviews.js URL [COUNT]     e.g. http://127.0.0.1:8080/api/documents/text 500
// Exit status 0 when every request got a 2xx; 1 with the counts of each outcome otherwise. Node 19+ pools sockets
// by default, so a server that closes a connection without saying so fails the next request with "socket hang up".
"use strict";
const http = require("http");

const [url, countArg] = process.argv.slice(2);
const agent = http.globalAgent;
if (!url) {
  console.error("usage: post_reviews.js URL [COUNT]");
  process.exit(2);
}
const count = Number(countArg ?? 500);

function post(index) {
  const body = JSON.stringify({ reviewText: `Connection test review ${index}: soft fabric, true to size.`, overall: 4 });
  return new Promise((resolve) => {
    const request = http.request(url, {
      method: "POST",
      agent,
      headers: {
        "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body),
        ...(index % 2 === 0 ? { Connection: "close" } : {}),
      },
    }, (response) => {
      response.resume();
      response.on("end", () => resolve(String(response.statusCode)));
      response.on("error", (error) => resolve(error.message));
    });
    request.on("error", (error) => resolve(error.message));
    request.end(body);
  });
}

(async () => {
  const outcomes = {};
  for (let i = 0; i < count; i++) {
    const outcome = await post(i);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const ok = Object.entries(outcomes).filter(([k]) => /^2\d\d$/.test(k)).reduce((n, [, v]) => n + v, 0);
  console.log(`${url}: ${ok} of ${count} answered 2xx; outcomes ${JSON.stringify(outcomes)}`);
  process.exit(ok === count ? 0 : 1);
})();
