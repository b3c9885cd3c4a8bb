import sharp from 'sharp';
import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hashPixels } from '/work/main/dist/src/workers/hashPixels.js';
sharp.concurrency(1); sharp.cache(false);
const dir = '/work/shared/data/coco-tiny/val2017';
let files = readdirSync(dir).map(f => dir + '/' + f);
const dir2 = '/work/shared/data/coco-tiny/train2017';
files = files.concat(readdirSync(dir2).map(f => dir2 + '/' + f));
const bufs = files.map(f => readFileSync(f));
const webp = { quality: 80, effort: 2 };
function fit(m, s){ const k=Math.min(1,s/Math.max(m.width,m.height)); return {width:Math.max(1,Math.round(m.width*k)),height:Math.max(1,Math.round(m.height*k))}; }
const variants = {
  plain: async (b) => { const im = sharp(b,{autoOrient:true}); const m = await im.metadata(); await im.resize({...fit(m.autoOrient,256),fit:'fill'}).toColourspace('srgb').webp(webp).toBuffer(); },
  raw2: async (b) => { const im = sharp(b,{autoOrient:true}); const m = await im.metadata(); const {data,info} = await im.resize({...fit(m.autoOrient,256),fit:'fill'}).toColourspace('srgb').raw().toBuffer({resolveWithObject:true}); await sharp(data,{raw:{width:info.width,height:info.height,channels:info.channels}}).toColourspace('srgb').webp(webp).toBuffer(); return {data,info}; },
  full: async (b) => { const r = await variants.raw2(b); hashPixels(r); createHash('sha256').update(b).digest('hex'); },
  raw2b: async (b) => { const im = sharp(b,{autoOrient:true}); const m = await im.metadata(); const {data,info} = await im.resize({...fit(m.autoOrient,256),fit:'fill'}).toColourspace('srgb').raw().toBuffer({resolveWithObject:true}); await sharp(data,{raw:{width:info.width,height:info.height,channels:info.channels}}).webp(webp).toBuffer(); return {data,info}; },
  tiny: async (b) => { await variants.plain(b); await sharp(b,{autoOrient:true}).resize({width:32,height:32,fit:'fill'}).greyscale().raw().toBuffer(); },
  webpBack: async (b) => { const im = sharp(b,{autoOrient:true}); const m = await im.metadata(); const w = await im.resize({...fit(m.autoOrient,256),fit:'fill'}).toColourspace('srgb').webp(webp).toBuffer(); await sharp(w).resize({width:32,height:32,fit:'fill'}).greyscale().raw().toBuffer(); },
  plainPlusHashOnly: async (b) => { await variants.plain(b); createHash('sha256').update(b).digest('hex'); },
};
async function rate(name){ const t=performance.now(); for (const b of bufs) await variants[name](b); return bufs.length/(performance.now()-t)*1000; }
for (const n of Object.keys(variants)) await rate(n);
const res = {}; for (const n of Object.keys(variants)) res[n]=[];
for (let r=0;r<4;r++) for (const n of (r%2?Object.keys(variants).reverse():Object.keys(variants))) res[n].push(await rate(n));
for (const n in res) console.log(n, res[n].map(x=>x.toFixed(1)).join(' '));
// component timings
let t=performance.now(); const raws=[]; for (const b of bufs){ const im=sharp(b,{autoOrient:true}); const m=await im.metadata(); raws.push(await im.resize({...fit(m.autoOrient,256),fit:'fill'}).toColourspace('srgb').raw().toBuffer({resolveWithObject:true})); }
console.log('raw decode ms/img', ((performance.now()-t)/bufs.length).toFixed(2));
t=performance.now(); for (let k=0;k<5;k++) for (const r of raws) hashPixels(r); console.log('hashPixels ms/img', ((performance.now()-t)/bufs.length/5).toFixed(3));
t=performance.now(); for (let k=0;k<5;k++) for (const b of bufs) createHash('sha256').update(b).digest('hex'); console.log('sha ms/img', ((performance.now()-t)/bufs.length/5).toFixed(3));
t=performance.now(); for (const r of raws) await sharp(r.data,{raw:{width:r.info.width,height:r.info.height,channels:r.info.channels}}).toColourspace('srgb').webp(webp).toBuffer(); console.log('raw->webp ms/img', ((performance.now()-t)/bufs.length).toFixed(2));
