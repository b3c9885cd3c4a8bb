import sharp from 'sharp';
import { readFileSync, readdirSync } from 'node:fs';
sharp.concurrency(1); sharp.cache(false);
const dirs = ['/work/shared/data/coco-tiny/val2017','/work/shared/data/coco-tiny/train2017'];
const bufs = dirs.flatMap(d => readdirSync(d).map(f => readFileSync(d+'/'+f)));
const v = {
  fill: b => sharp(b,{autoOrient:true}).resize({width:32,height:32,fit:'fill'}).greyscale().raw().toBuffer(),
  fillNoOrient: b => sharp(b).resize({width:32,height:32,fit:'fill'}).raw().toBuffer(),
  inside: b => sharp(b).resize({width:32,height:32,fit:'inside'}).raw().toBuffer(),
  shrink8: b => sharp(b).resize({width:80,height:60,fit:'fill', fastShrinkOnLoad:true}).raw().toBuffer(),
  decodeOnly: b => sharp(b).raw().toBuffer(),
};
for (const n in v){ const t=performance.now(); for (let k=0;k<3;k++) for (const b of bufs) await v[n](b); console.log(n, ((performance.now()-t)/bufs.length/3).toFixed(2),'ms'); }
