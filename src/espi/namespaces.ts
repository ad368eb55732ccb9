export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const ESPI_NS = 'http://naesb.org/espi';
export const CUSTOMER_NS = 'http://naesb.org/espi/customer';
