// Root config: runs every project's tests in one Jest run. The global setup makes sure a real
// NATS (with JetStream) and a real Redis answer before any test starts.
const fs = require('node:fs');
const path = require('node:path');
const preset = require('./jest.preset.js');

const projects = ['apps', 'libs', 'tools']
  .flatMap((dir) => fs.readdirSync(path.join(__dirname, dir)).map((name) => path.join(dir, name)))
  .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'jest.config.js')))
  .map((dir) => `<rootDir>/${dir}`);

/** @type {import('jest').Config} */
module.exports = {
  projects,
  transform: preset.transform,
  globalSetup: '<rootDir>/tools/test/global-setup.ts',
  globalTeardown: '<rootDir>/tools/test/global-teardown.ts',
};
