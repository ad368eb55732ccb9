export const MESSAGE_NS = 'http://iec.ch/TC57/2011/schema/message';
export const METER_READINGS_NS = 'http://iec.ch/TC57/2011/MeterReadings#';
export const GET_METER_READINGS_NS = 'http://iec.ch/TC57/2011/GetMeterReadings#';
export const SOAP_11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_12_NS = 'http://www.w3.org/2003/05/soap-envelope';

/** The 2011 namespace is the 61968-9:2013 one; other years' profiles keep the same element names. */
export function isMeterReadingsNs(ns: string): boolean {
  return /^http:\/\/iec\.ch\/TC57\/\d{4}\/MeterReadings#$/.test(ns);
}
