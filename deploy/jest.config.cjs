// The team deployment's files (docker-compose.yml, Dockerfile, deploy/nats) and their specs.
module.exports = { ...require('../jest.preset.cjs'), rootDir: __dirname, displayName: 'deploy' };
