package api

// RequestHash lets the external tests plant the reservation an interrupted
// request leaves behind.
var RequestHash = requestHash

// ReservePrefix names reservation records.
const ReservePrefix = reservePrefix
