// A fox-wamp router for the benchmark's side-by-side comparison: ws://127.0.0.1:PORT/ws, any realm, anonymous.
// usage: node fox-router.js PORT
'use strict'
const http = require('http')
const FoxRouter = require('fox-wamp')
const port = +(process.argv[2] || 18700)
const server = http.createServer()
server.listen(port, '127.0.0.1', () => console.log(`fox-wamp listening on ${port}`))
const router = new FoxRouter()
router.listenWAMP({ server, path: '/ws' })
