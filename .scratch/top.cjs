const fs=require('fs');const f=fs.readdirSync(process.argv[2]).map(x=>process.argv[2]+'/'+x)[0];
const p=JSON.parse(fs.readFileSync(f));const self=new Map();const byId=new Map(p.nodes.map(n=>[n.id,n]));
const dt=new Map();for(let i=0;i<p.samples.length;i++){dt.set(p.samples[i],(dt.get(p.samples[i])||0)+(p.timeDeltas[i]||0));}
let tot=0;for(const [id,t] of dt){const n=byId.get(id);const k=n.callFrame.functionName+' '+n.callFrame.url.split('/').slice(-2).join('/')+':'+n.callFrame.lineNumber;self.set(k,(self.get(k)||0)+t);tot+=t;}
console.log([...self].sort((a,b)=>b[1]-a[1]).slice(0,35).map(([k,t])=>(100*t/tot).toFixed(1)+'% '+k).join('\n'));
