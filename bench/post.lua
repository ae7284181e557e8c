-- wrk script: POST the SPEC's example submission; reports p95 and p99 latency.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"thematic_area":"mobilita-green","title":"Più piste ciclabili sui viali","body":"Testo del suggerimento: collegare i viali con una pista ciclabile protetta.","author":{"kind":"citizen","given_name":"Maria","family_name":"Rossi","email":"maria.rossi@example.org","quartiere":2},"privacy_notice_accepted":true}]]

done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("RESULT rps=%.1f p95_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    non2xx, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
