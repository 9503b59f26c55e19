# escape=`

FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://nodejs.org/dist/v20.11.1/node-v20.11.1-x64.msi -OutFile node.msi; `
    Start-Process msiexec.exe -Wait -ArgumentList '/qn /i node.msi'; `
    Remove-Item node.msi
WORKDIR C:\app
COPY . C:\app
USER ContainerUser
CMD ["node.exe", "server.js"]
