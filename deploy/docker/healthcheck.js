// Docker HEALTHCHECK for every Lighthouse image: the gateway's own liveness route, or the ops
// server's /healthz of a NATS service. Exit 0 when it answers 200 within 2 s.
const app = process.env.LIGHTHOUSE_APP;
const url =
  app === 'gateway'
    ? `http://127.0.0.1:${process.env.LH_GATEWAY_PORT || 8765}/health/live`
    : `http://127.0.0.1:${process.env.LH_OPS_PORT || 9464}/healthz`;
fetch(url, { signal: AbortSignal.timeout(2000) }).then(
  (response) => process.exit(response.status === 200 ? 0 : 1),
  () => process.exit(1),
);
