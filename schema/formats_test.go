package schema

import "testing"

func TestFormats(t *testing.T) {
	cases := []struct {
		f     format
		value string
		ok    bool
	}{
		{fUUID, "a9aaecca-10b7-4d19-b640-b047a7c62196", true},
		{fUUID, "A9AAECCA-10B7-4D19-B640-B047A7C62196", true},
		{fUUID, "$bb579fb8-cb82-4824-be12-fcbc405b6608", false},
		{fUUID, "a9aaecca10b74d19b640b047a7c62196", false},
		{fUUID, "a9aaecca-10b7-4d19-b640-b047a7c6219g", false},
		{fDateTime, "2022-12-15T05:23:03.443Z", true},
		{fDateTime, "2023-02-22T10:30:18.1451234+00:00", true},
		{fDateTime, "2024-02-29T23:59:60z", true},
		{fDateTime, "2023-02-29T10:00:00Z", false},
		{fDateTime, "2024-05-98T14:00:41.161Z", false},
		{fDateTime, "2024-05-09T5:14:30.560Z", false},
		{fDateTime, " 2024-05-10T12:05:53Z", false},
		{fDateTime, "2024-05-10T12:05:53", false},
		{fDateTime, "2024-05-10 12:05:53Z", false},
		{fDateTime, "2024-05-10T12:05:53.Z", false},
		{fDateTime, "2024-05-10T12:05:53+0530", false},
		{fDateTime, "2024-05-10T24:00:00Z", false},
		{fDate, "2000-02-29", true},
		{fDate, "1900-02-29", false},
		{fDate, "2024-13-01", false},
		{fDuration, "PT30S", true},
		{fDuration, "PT10M", true},
		{fDuration, "P1M", true},
		{fDuration, "P1Y2M3DT4H5M6.5S", true},
		{fDuration, "P2W", true},
		{fDuration, "P20H", false},
		{fDuration, "PT", false},
		{fDuration, "P", false},
		{fDuration, "10M", false},
		{fDuration, "PT1H2H", false},
		{fDuration, "PT1S1M", false},
		{fDuration, "P1DT", false},
		{fDecimal, "150", true},
		{fDecimal, "-0.5", true},
		{fDecimal, ".5", true},
		{fDecimal, "+12.00", true},
		{fDecimal, "1,000", false},
		{fDecimal, "5.", false},
		{fDecimal, "", false},
		{fDecimal, "Penalty upto 5,00,000 INR", false},
		{fURI, "https://bpp.example.com/form?t=1", true},
		{fURI, "mailto:help@example.com", true},
		{fURI, "bpp.example.com/path", false},
		{fURI, "url of the image of the provider", false},
		{fURI, "{{bap_uri}}", false},
		{fEmail, "asha@example.com", true},
		{fEmail, "a.b+c@mail.example.co.in", true},
		{fEmail, "asha", false},
		{fEmail, "asha@", false},
		{fEmail, ".asha@example.com", false},
		{fEmail, "as ha@example.com", false},
		{fGPS, "12.9716,77.5946", true},
		{fGPS, "12.9716, 77.5946", true},
		{fGPS, "91.0,77.5", false},
		{fAge, "35", true},
		{fAge, "P35Y", true},
		{fAge, "thirty", false},
	}
	for _, c := range cases {
		if got := checkFormat(c.f, []byte(c.value)); got != c.ok {
			t.Errorf("format %d %q: got %v, want %v", c.f, c.value, got, c.ok)
		}
	}
}
