global using NUnit.Framework;
global using GovGateway.TestKit;
