import sharp from 'sharp';
import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hashPixels } from '/work/main/dist/src/workers/hashPixels.js';
import { perceptualHash, PHASH_SIDE } from '/work/main/dist/src/quality/perceptualHash.js';
sharp.concurrency(1); sharp.cache(false);
const dirs = ['/work/shared/data/coco-tiny/val2017','/work/shared/data/coco-tiny/train2017'];
const bufs = dirs.flatMap(d => readdirSync(d).map(f => readFileSync(d+'/'+f)));
const webp = { quality: 80, effort: 2 };
function fit(m, s){ const k=Math.min(1,s/Math.max(m.width,m.height)); return {width:Math.max(1,Math.round(m.width*k)),height:Math.max(1,Math.round(m.height*k))}; }
function fastHash(p){ const {data,info}=p; const {width,height,channels}=info; const S=PHASH_SIDE;
  const col=new Int32Array(width); for(let x=0;x<width;x++) col[x]=Math.floor((x*S)/width);
  const sums=new Float64Array(S*S), counts=new Uint32Array(S*S);
  for(let y=0;y<height;y++){ const row=Math.floor((y*S)/height)*S; let i=y*width*channels;
    if (channels>=3) for(let x=0;x<width;x++,i+=channels){ const c=row+col[x]; sums[c]+=0.299*data[i]+0.587*data[i+1]+0.114*data[i+2]; counts[c]++; }
    else for(let x=0;x<width;x++,i+=channels){ const c=row+col[x]; sums[c]+=data[i]; counts[c]++; } }
  for (let c=0;c<sums.length;c++) sums[c]=counts[c]>0?sums[c]/counts[c]:c>0?sums[c-1]:0; return perceptualHash(sums); }
const V = {
  plain: async (b) => { const im = sharp(b,{autoOrient:true}); const m = await im.metadata(); await im.resize({...fit(m.autoOrient,256),fit:'fill'}).toColourspace('srgb').webp(webp).toBuffer(); },
  current: async (b) => { const im = sharp(b,{autoOrient:true}); const m = await im.metadata(); const {data,info} = await im.resize({...fit(m.autoOrient,256),fit:'fill'}).toColourspace('srgb').raw().toBuffer({resolveWithObject:true}); await sharp(data,{raw:{width:info.width,height:info.height,channels:info.channels}}).toColourspace('srgb').webp(webp).toBuffer(); hashPixels({data,info}); createHash('sha256').update(b).digest('hex'); },
  tuned: async (b) => { const im = sharp(b,{autoOrient:true}); const m = await im.metadata(); const {data,info} = await im.resize({...fit(m.autoOrient,256),fit:'fill'}).toColourspace('srgb').raw().toBuffer({resolveWithObject:true}); await sharp(data,{raw:{width:info.width,height:info.height,channels:info.channels}}).webp(webp).toBuffer(); fastHash({data,info}); createHash('sha256').update(b).digest('hex'); },
};
// check fastHash equality
for (const b of bufs.slice(0,20)) { const r = await sharp(b).resize({width:256,height:192,fit:'fill'}).raw().toBuffer({resolveWithObject:true}); if (fastHash(r)!==hashPixels(r)) throw new Error('differs'); }
async function cpu(name){ const c=process.cpuUsage(); const t=performance.now(); for (const b of bufs) await V[name](b); const u=process.cpuUsage(c); return [(u.user+u.system)/1000/bufs.length, (performance.now()-t)/bufs.length]; }
for (const n in V) await cpu(n);
const res={}; for (const n in V) res[n]=[];
for (let r=0;r<6;r++) for (const n of (r%2?Object.keys(V).reverse():Object.keys(V))) res[n].push(await cpu(n));
for (const n in res) console.log(n, 'cpu ms', res[n].map(x=>x[0].toFixed(2)).join(' '), ' wall', res[n].map(x=>x[1].toFixed(2)).join(' '));
let t=performance.now(); const raws=[]; for (const b of bufs) raws.push(await sharp(b).resize({width:256,height:192,fit:'fill'}).raw().toBuffer({resolveWithObject:true}));
t=performance.now(); for (let k=0;k<10;k++) for (const r of raws) hashPixels(r); console.log('hashPixels', ((performance.now()-t)/raws.length/10).toFixed(3));
t=performance.now(); for (let k=0;k<10;k++) for (const r of raws) fastHash(r); console.log('fastHash', ((performance.now()-t)/raws.length/10).toFixed(3));
