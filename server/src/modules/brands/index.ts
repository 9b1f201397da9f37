export { brandsRoutes } from './brands.routes';
export { createBrandsService, JOIN_PAGE, type BrandsService } from './brands.service';
export { hashPassword } from './password';
