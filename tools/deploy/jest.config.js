// Deployment checks: kustomize overlays and the Helm chart against the Kubernetes schemas and
// our invariants, the chart's values schema, the images' build. Offline and fast:
//   npx jest -c tools/deploy/jest.config.js
/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'deploy', rootDir: __dirname };
