// The acknowledge page submits its form once loaded: a person's click on the mailed link
// acknowledges, while mail scanners that only fetch links do not run this.
document.getElementById('ack')?.submit();
