export { campaignsRoutes } from './campaigns.routes';
export { createCampaignsService, type CampaignsService } from './campaigns.service';
export { campaignsJobs } from './campaigns.jobs';
