import { expect } from 'chai';
import { ERROR_CODES, errorCodeInfo } from '../src/errorCodes.js';
import { AppError, toAppError } from '../src/errors.js';

describe('the error-code registry', () => {
  it('gives every code one HTTP error status, and hides messages only of server errors', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code, code).to.match(/^[A-Z][A-Z0-9_]+$/);
      expect(info.status, code).to.be.within(400, 599);
      if (!info.expose) expect(info.status, `${code} hides its message`).to.be.at.least(500);
    }
  });

  it('is what an AppError answers with: an image the worker cannot read is 422, a store that fails 502', () => {
    expect(new AppError('IMAGE_UNREADABLE', 'x').status).to.equal(422);
    expect(new AppError('IMAGE_READ_FAILED', 'x').status).to.equal(502);
    expect(new AppError('WORKER_CRASHED', 'x')).to.include({ status: 500, expose: false });
    expect(new AppError('MASK_AREA_MISMATCH', 'x')).to.include({ status: 422, expose: true });
  });

  it('treats an unlisted code and anything thrown that is not an AppError as an internal error with its message hidden', () => {
    expect(errorCodeInfo('SOMETHING_ELSE')).to.deep.equal({ status: 500, expose: false });
    expect(errorCodeInfo('__proto__')).to.deep.equal({ status: 500, expose: false });
    expect(toAppError(new Error('SELECT * FROM secrets'))).to.include({ code: 'INTERNAL', status: 500, expose: false });
  });
});
