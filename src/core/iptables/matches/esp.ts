/** -m esp (libxt_esp.c): --espspi spi[:spi]. -nvL: "esp spi:N" / "spis:a:b". The SPI is not known offline. */
import { spiModule } from './spi';

export const esp = spiModule('esp');
