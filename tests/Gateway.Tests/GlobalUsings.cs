global using GovGateway.TestKit;
