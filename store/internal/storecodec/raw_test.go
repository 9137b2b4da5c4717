package storecodec

import "testing"

func TestUnpackRawRejectsDamage(t *testing.T) {
	if _, err := UnpackRaw([]byte("not snappy at all"), CodecSnappy); err == nil {
		t.Error("damaged Snappy body decoded without error")
	}
	if _, err := UnpackRaw([]byte("x"), "zstd"); err == nil {
		t.Error("unknown codec accepted")
	}
	if got, err := UnpackRaw(nil, CodecNone); err != nil || got == nil || len(got) != 0 {
		t.Errorf("empty body = %v, %v; want empty, not nil", got, err)
	}
}
