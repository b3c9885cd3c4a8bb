import { expect } from 'chai';
import { freePort, startRedis } from '../../bench/harness/redisServer.js';
import { AppError } from '../../src/errors.js';
import { connectRedis, redactRedisUrl } from '../../src/queue/redisConnection.js';
import { expectRejection } from '../helpers/expectRejection.js';

describe('connectRedis', function () {
  this.timeout(20_000);

  it('connects to a running Redis and answers commands', async () => {
    const redis = await startRedis();
    try {
      const client = await connectRedis(redis.url);
      expect(await client.ping()).to.equal('PONG');
      client.disconnect();
    } finally {
      await redis.stop();
    }
  });

  it('fails with THUMBNAIL_QUEUE_UNAVAILABLE naming the URL, without its password, when nothing listens', async () => {
    const port = await freePort();
    const err = await expectRejection(connectRedis(`redis://user:secret@127.0.0.1:${port}`, { connectTimeoutMs: 2_000 }));
    expect(err).to.be.instanceOf(AppError);
    expect((err as unknown as AppError).code).to.equal('THUMBNAIL_QUEUE_UNAVAILABLE');
    expect((err as unknown as AppError).message)
      .to.include(`127.0.0.1:${port}`)
      .and.include('REDIS_URL')
      .and.include('ECONNREFUSED');
    expect((err as unknown as AppError).message).not.to.include('secret');
  });

  it('hides the password of a URL it reports', () => {
    expect(redactRedisUrl('redis://:hunter2@cache.internal:6380/2')).to.equal('redis://:***@cache.internal:6380/2');
  });
});
