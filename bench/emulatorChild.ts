import { LoopbackProxy } from './harness/LoopbackProxy.js';
import { startStorageEmulator } from './harness/storageEmulator.js';

// Google's Cloud Storage emulator and the loopback proxy in front of it, in a
// process of their own standing in for the bucket and the network: their CPU
// time is then not the service's, and can be read (and prioritised) apart.
const delayMs = Number(process.env.PROXY_DELAY_MS ?? '0');
const emulator = await startStorageEmulator();
const proxy = await LoopbackProxy.start(emulator.endpoint, { delayMs });
process.send!({ endpoint: emulator.endpoint, proxyEndpoint: proxy.endpoint, projectId: emulator.projectId });
process.on('disconnect', () => {
  void Promise.all([proxy.stop(), emulator.stop()]).then(() => process.exit(0));
});
