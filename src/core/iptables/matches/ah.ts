/** -m ah (libxt_ah.c): --ahspi spi[:spi]. -nvL: "ah spi:N" / "spis:a:b". The SPI is not known offline. */
import { spiModule } from './spi';

export const ah = spiModule('ah');
